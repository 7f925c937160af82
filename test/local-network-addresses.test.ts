// The address plan of a local lab, and the port check.
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { AddressPlan, assertPortFree } from '../scripts/platforms/local/addresses.js';
import { PlatformError } from '../scripts/platforms/platform.js';
import { testOctet } from './helpers/octets.js';

describe('address plan', () => {
  it('defaults to 127.10.0.0/16 with DNS on 127.10.0.10:10053', () => {
    const plan = new AddressPlan();
    expect(plan.octet).toBe(10);
    expect(plan.dns).toEqual({ ip: '127.10.0.10', port: 10053 });
  });

  it('hands pods 250 addresses per block, from 127.N.1.1 on, never twice', () => {
    const plan = new AddressPlan(42);
    const ips = Array.from({ length: 501 }, () => plan.nextPodIp());
    expect(ips[0]).toBe('127.42.1.1');
    expect(ips[249]).toBe('127.42.1.250');
    expect(ips[250]).toBe('127.42.2.1');
    expect(ips[500]).toBe('127.42.3.1');
    expect(new Set(ips).size).toBe(ips.length);
  });

  it('puts ClusterIPs in 127.N.96.0/24', () => {
    const plan = new AddressPlan(42);
    expect(plan.serviceIp(0)).toBe('127.42.96.1');
    expect(plan.serviceIp(253)).toBe('127.42.96.254');
    expect(() => plan.serviceIp(254)).toThrow(PlatformError);
    expect(() => plan.serviceIp(-1)).toThrow(PlatformError);
  });

  it('rejects an octet outside 1..254', () => {
    expect(() => new AddressPlan(0)).toThrow(PlatformError);
    expect(() => new AddressPlan(255)).toThrow(PlatformError);
    expect(() => new AddressPlan(1.5)).toThrow(PlatformError);
  });

  it('runs out of pod addresses with a PlatformError before reaching the service range', () => {
    const plan = new AddressPlan(42);
    let last = '';
    for (let i = 0; i < 95 * 250; i++) last = plan.nextPodIp();
    expect(last).toBe('127.42.95.250');
    expect(() => plan.nextPodIp()).toThrow(/ran out of pod addresses/);
  });
});

describe('assertPortFree', () => {
  const ip = `127.${testOctet()}.97.1`;

  it('passes for a free port and leaves it free', async () => {
    await assertPortFree(ip, 50051, 'a test');
    await assertPortFree(ip, 50051, 'a test');
  });

  it('names the address and its use when the port is taken', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(50052, ip, resolve));
    try {
      await expect(assertPortFree(ip, 50052, 'pod b-1')).rejects.toThrow(new PlatformError(`port ${ip}:50052 for pod b-1 is already in use`));
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    await assertPortFree(ip, 50052, 'pod b-1');
  });
});
