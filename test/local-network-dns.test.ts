// Cluster DNS conformance: real DNS packets over real UDP (and TCP), asked by Node's own resolver
// (c-ares, the library grpc-js's alternative resolver uses) and by raw dns-packet queries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import * as packet from 'dns-packet';
import { AddressPlan, assertPortFree } from '../scripts/platforms/local/addresses.js';
import { ClusterDns, type DnsQueryInfo } from '../scripts/platforms/local/cluster-dns.js';
import { PlatformError } from '../scripts/platforms/platform.js';
import { testOctet } from './helpers/octets.js';

const plan = new AddressPlan(testOctet());
const CLUSTER_IP_NAME = 'b.grpc-lab.svc.cluster.local';
const HEADLESS_NAME = 'b-headless.grpc-lab.svc.cluster.local';
const seen: DnsQueryInfo[] = [];
const dns = new ClusterDns({ ...plan.dns, onQuery: (q) => seen.push(q) });

function resolver(): Resolver {
  // One try with a short timeout: a server that does not answer fails the test fast.
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([`${plan.dns.ip}:${plan.dns.port}`]);
  return r;
}

function errorCode(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (err: NodeJS.ErrnoException) => err.code,
  );
}

/** One raw query over UDP, built with dns-packet: shows the wire-level answer, flags and all. */
function rawQuery(name: string, type: packet.RecordType): Promise<packet.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => (socket.close(), reject(new Error('no DNS answer within 2 s'))), 2000);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(packet.decode(msg));
    });
    const query = packet.encode({ type: 'query', id: 4242, flags: packet.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });
    socket.send(query, plan.dns.port, plan.dns.ip);
  });
}

/** The response code: the low 4 bits of the flags (RFC 1035 4.1.1). */
function rcodeOf(reply: packet.DecodedPacket): number {
  return (reply.flags ?? 0) & 0xf;
}

beforeAll(async () => {
  await dns.start();
  dns.setRecords(CLUSTER_IP_NAME, [plan.serviceIp(0)]);
});

afterAll(async () => {
  await dns.stop();
});

describe('cluster DNS', () => {
  it('answers a ClusterIP name with its one virtual IP and TTL 30', async () => {
    const answers = await resolver().resolve4(CLUSTER_IP_NAME, { ttl: true });
    expect(answers).toEqual([{ address: plan.serviceIp(0), ttl: 30 }]);
  });

  it('answers a headless name with every ready pod', async () => {
    const pods = [plan.nextPodIp(), plan.nextPodIp(), plan.nextPodIp()];
    dns.setRecords(HEADLESS_NAME, pods);
    const answers = await resolver().resolve4(HEADLESS_NAME);
    expect([...answers].sort()).toEqual([...pods].sort());
  });

  it('has no AAAA or TXT data for a known name, and NXDOMAIN for an unknown one', async () => {
    const r = resolver();
    expect(await errorCode(r.resolve6(CLUSTER_IP_NAME))).toBe('ENODATA');
    expect(await errorCode(r.resolveTxt(CLUSTER_IP_NAME))).toBe('ENODATA');
    expect(await errorCode(r.resolve4('nothing.grpc-lab.svc.cluster.local'))).toBe('ENOTFOUND');
    expect(await errorCode(r.resolve6('nothing.grpc-lab.svc.cluster.local'))).toBe('ENOTFOUND');
  });

  it('answers on the wire: authoritative, question echoed, case-insensitive, trailing dot tolerated', async () => {
    const mixed = 'B.Grpc-Lab.SVC.cluster.local.';
    const reply = await rawQuery(mixed, 'A');
    expect(reply.id).toBe(4242);
    expect(reply.flag_aa).toBe(true);
    expect(reply.flag_rd).toBe(true);
    expect(rcodeOf(reply)).toBe(0); // NOERROR
    expect(reply.questions).toEqual([{ name: 'B.Grpc-Lab.SVC.cluster.local', type: 'A', class: 'IN' }]);
    expect(reply.answers).toMatchObject([{ type: 'A', data: plan.serviceIp(0), ttl: 30 }]);
    expect(rcodeOf(await rawQuery('unknown.example', 'A'))).toBe(3); // NXDOMAIN
  });

  it('shows an update on the very next query, and forgets deleted names', async () => {
    const name = 'moving.grpc-lab.svc.cluster.local';
    const r = resolver();
    dns.setRecords(name, [plan.serviceIp(1)]);
    expect(await r.resolve4(name)).toEqual([plan.serviceIp(1)]);
    dns.setRecords(name, [plan.serviceIp(2)]);
    expect(await r.resolve4(name)).toEqual([plan.serviceIp(2)]);
    dns.setRecords(name, []);
    expect(await errorCode(r.resolve4(name))).toBe('ENODATA');
    dns.deleteName(name);
    expect(await errorCode(r.resolve4(name))).toBe('ENOTFOUND');
  });

  it('sends an answer too big for UDP with TC set, and the resolver gets it whole over TCP', async () => {
    const pods = Array.from({ length: 30 }, () => plan.nextPodIp());
    dns.setRecords(HEADLESS_NAME, pods);
    seen.length = 0;
    const answers = await resolver().resolve4(HEADLESS_NAME);
    expect([...answers].sort()).toEqual([...pods].sort());
    expect(seen.map((q) => q.transport)).toEqual(['udp', 'tcp']);
    expect(seen[1]).toMatchObject({ type: 'A', rcode: 'NOERROR', answers: 30 });
  });

  it('counts the queries it answered', async () => {
    const before = dns.queries();
    await resolver().resolve4(CLUSTER_IP_NAME);
    await errorCode(resolver().resolve4('nope.example'));
    expect(dns.queries()).toBe(before + 2);
  });

  it('shrugs off malformed packets: garbage is dropped, a question-less query gets FORMERR', async () => {
    const socket = dgram.createSocket('udp4');
    const replies: packet.DecodedPacket[] = [];
    socket.on('message', (msg) => replies.push(packet.decode(msg)));
    socket.send(Buffer.from('not a DNS message'), plan.dns.port, plan.dns.ip);
    socket.send(packet.encode({ type: 'query', id: 7, questions: [] }), plan.dns.port, plan.dns.ip);
    expect(await resolver().resolve4(CLUSTER_IP_NAME)).toEqual([plan.serviceIp(0)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.close();
    expect(replies.map((r) => [r.id, rcodeOf(r)])).toEqual([[7, 1]]); // FORMERR
  });

  it('refuses a taken port with a PlatformError naming it', async () => {
    const second = new ClusterDns(plan.dns);
    const message = `port ${plan.dns.ip}:${plan.dns.port} for cluster DNS is already in use`;
    await expect(second.start()).rejects.toThrow(new PlatformError(message));
    await expect(second.start()).rejects.toBeInstanceOf(PlatformError);
    await expect(assertPortFree(plan.dns.ip, plan.dns.port, 'cluster DNS', 'udp')).rejects.toThrow(message);
    await expect(assertPortFree(plan.dns.ip, plan.dns.port, 'cluster DNS')).rejects.toThrow(message);
    // The failed server left nothing behind, and the running one still answers.
    await second.stop();
    expect(await resolver().resolve4(CLUSTER_IP_NAME)).toEqual([plan.serviceIp(0)]);
  });
});
