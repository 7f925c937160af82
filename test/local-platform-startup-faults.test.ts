// The local platform's start-up under faults, for any program that drives it (not only the lab
// CLI, whose preflight finds these first): a pod address another program holds, down() while up()
// still waits for a rollout that cannot complete, and a TMPDIR that cannot hold the lab's files.
// Each is one PlatformError line, at once, and leaves nothing behind.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError } from '../scripts/platforms/platform.js';
import { LocalPlatform } from '../scripts/platforms/local/local-platform.js';
import { localPreflight } from '../scripts/platforms/local/preflight.js';
import { namespace, serviceB } from './fixtures/local/objects.js';
import { testOctet } from './helpers/octets.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

function hold(ip: string, port: number): Promise<void> {
  const server = net.createServer((socket) => socket.destroy());
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: ip, port, exclusive: true }, () => resolve());
  });
}

describe('local platform start-up faults', () => {
  it('a pod address held by another program: up() fails at once with one line, nothing started', async () => {
    const octet = testOctet();
    await hold(`127.${octet}.1.2`, 9090);
    const platform = new LocalPlatform({ octet, seed: 1 });
    const began = Date.now();
    const up = platform.up([namespace(), serviceB({ replicas: 3 })]);
    await expect(up).rejects.toThrow(new PlatformError(`port 127.${octet}.1.2:9090 for a pod is already in use`));
    // Not the 180 s rollout timeout of a pod crash-looping on its address.
    expect(Date.now() - began).toBeLessThan(5000);
    expect(platform.inspection.childPids()).toEqual([]);
    expect(await platform.pods()).toEqual([]);
  });

  it('down() during an up() that cannot complete: up() gives up at once, and every pod is gone', async () => {
    // A readiness probe that never passes: the rollout would wait for its whole timeout.
    const platform = new LocalPlatform({ octet: testOctet(), seed: 2 });
    const up = platform.up([namespace(), serviceB({ replicas: 2, readinessProbe: { tcpSocket: { port: 1 }, periodSeconds: 1 } })], 120_000);
    up.catch(() => undefined);
    for (let i = 0; i < 100 && platform.inspection.childPids().length < 2; i++) await sleep(50);
    await sleep(1000);
    expect(platform.inspection.childPids().length).toBeGreaterThanOrEqual(2);
    const tempDir = platform.inspection.tempDir();
    expect(tempDir !== undefined && existsSync(tempDir)).toBe(true);
    const began = Date.now();
    await platform.down();
    await expect(up).rejects.toThrow(PlatformError);
    expect(Date.now() - began).toBeLessThan(3000);
    expect(platform.inspection.childPids()).toEqual([]);
    expect(existsSync(tempDir!)).toBe(false);
  });

  it.each([
    ['missing', () => '/nonexistent/lab-tmp', 'ENOENT'],
    ['file, not a directory, as', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-tmpdir-'));
      cleanup.push(dir);
      const file = path.join(dir, 'tmp');
      writeFileSync(file, '');
      return file;
    }, 'ENOTDIR'],
  ])('a %s TMPDIR: up() is one PlatformError line naming TMPDIR, nothing started', async (_what, make, code) => {
    const saved = process.env.TMPDIR;
    const tmpdir = make();
    process.env.TMPDIR = tmpdir;
    try {
      const platform = new LocalPlatform({ octet: testOctet(), seed: 3 });
      await expect(platform.up([namespace(), serviceB({ replicas: 1 })])).rejects.toThrow(
        new PlatformError(`TMPDIR ${tmpdir} is not usable (${code}): the local platform keeps its pods' files there; set TMPDIR to a writable directory`),
      );
      expect(platform.inspection.childPids()).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});

describe('local platform preflight', () => {
  it('every pod address of the whole run, one line per taken port, the rest counted', async () => {
    const octet = testOctet();
    // Seven B pods' metrics ports taken, among the 12 pods the variant will create over its run.
    for (let i = 4; i <= 10; i++) await hold(`127.${octet}.1.${i}`, 9090);
    const variant = { label: 'round 9 test', objects: [namespace(), serviceB({ replicas: 3 })], pods: 12 };
    const lines = await localPreflight([variant], { octet });
    const hint = ': stop what holds it, or give the lab another 127.N.0.0/16 (LAB_LOCAL_OCTET=N)';
    expect(lines).toEqual([
      ...[4, 5, 6, 7, 8].map((i) => `port 127.${octet}.1.${i}:9090 for a pod is already in use${hint}`),
      '2 more pod ports cannot be bound',
    ]);
    // A run of three pods takes 127.N.1.1-3 only: what is held beyond them is not its problem.
    expect(await localPreflight([{ ...variant, pods: 3 }], { octet })).toEqual([]);
  });
});

const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});
