// The l7-proxy component's haproxy.cfg, run for real: HAProxy on its own loopback "pod" address,
// resolving the headless Service through a real DNS server, proxying real gRPC calls from one
// client connection to backends that answer with their pod name. Proves the config balances per
// call (not per connection), picks up a pod that appears in DNS later (a scale-up) and drops one
// that leaves it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLabProto, type BackendClient, type WorkReply } from '../services/shared/proto.js';
import { PROJECT_ROOT, testSubnet } from './helpers/processes.js';
import { requireTool } from './helpers/required-tool.js';

const HEADLESS_NAME = 'service-b-pods.grpc-lab.svc.cluster.local';
const haproxyMissing = spawnSync('haproxy', ['-v']).error !== undefined;

const subnet = testSubnet();
const proxyIp = `${subnet}.10`;
const dnsIp = `${subnet}.2`;
const podIps = [`${subnet}.11`, `${subnet}.12`, `${subnet}.13`];

/** A DNS server that answers the headless Service's name with the current pod addresses. */
function startDns(addresses: () => string[]): Promise<{ socket: dgram.Socket; port: number }> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const query = dnsPacket.decode(msg);
    const answers = (query.questions ?? [])
      .filter((q) => q.type === 'A' && q.name.toLowerCase() === HEADLESS_NAME)
      .flatMap((q) => addresses().map((ip) => ({ type: 'A' as const, name: q.name, ttl: 1, data: ip })));
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: query.questions,
      answers,
    });
    socket.send(reply, rinfo.port, rinfo.address);
  });
  return new Promise((resolve) => socket.bind(0, dnsIp, () => resolve({ socket, port: socket.address().port })));
}

/** A backend "pod": Work answers with its name, as service B does. */
async function startBackend(ip: string): Promise<grpc.Server> {
  const { BackendService } = loadLabProto();
  const server = new grpc.Server();
  server.addService(BackendService, {
    Work: (_call: unknown, cb: grpc.sendUnaryData<WorkReply>) =>
      cb(null, { podName: `pod-${ip}`, podIp: ip, servedAtMs: Date.now(), payload: Buffer.alloc(0) }),
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`${ip}:50051`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  return server;
}

function work(client: BackendClient): Promise<string> {
  return new Promise((resolve, reject) =>
    client.Work({ callId: 'x', payloadSize: 0 }, new grpc.Metadata(), { deadline: Date.now() + 2000 }, (err, reply) =>
      err ? reject(err) : resolve(reply!.podName),
    ),
  );
}

/** Sends calls one after another until every expected pod has served one (or time runs out). */
async function untilServedBy(client: BackendClient, pods: string[], timeoutMs: number): Promise<void> {
  const seen = new Set<string>();
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    seen.add(await work(client).catch(() => 'error'));
    if (pods.every((p) => seen.has(p))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`within ${timeoutMs} ms only ${[...seen].join(', ')} served calls; expected ${pods.join(', ')}`);
}

async function countServers(client: BackendClient, calls: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < calls; i++) {
    const pod = await work(client);
    counts[pod] = (counts[pod] ?? 0) + 1;
  }
  return counts;
}

describe('l7-proxy haproxy.cfg, run by the real haproxy', () => {
  // No pod in DNS at first: the readiness test needs a proxy with nothing to send calls to.
  let live: string[] = [];
  const servers: grpc.Server[] = [];
  let dns: dgram.Socket;
  let haproxy: ChildProcess;
  let haproxyOutput = '';
  let tmp: string;
  let client: BackendClient;

  beforeAll(async () => {
    requireTool(!haproxyMissing, 'haproxy');
    const { socket, port } = await startDns(() => live);
    dns = socket;
    for (const ip of podIps) servers.push(await startBackend(ip));
    tmp = await mkdtemp(path.join(os.tmpdir(), 'grpc-lab-haproxy-'));
    // The rewrite the local platform makes: its DNS server instead of the pod's resolv.conf.
    const cfg = (await readFile(path.join(PROJECT_ROOT, 'k8s/components/l7-proxy/haproxy.cfg'), 'utf8')).replace(
      /^(\s*)parse-resolv-conf$/m,
      `$1nameserver lab ${dnsIp}:${port}`,
    );
    await writeFile(path.join(tmp, 'haproxy.cfg'), cfg);
    haproxy = spawn('haproxy', ['-f', path.join(tmp, 'haproxy.cfg')], { env: { ...process.env, POD_IP: proxyIp, READY_BACKENDS: '2' }, stdio: ['ignore', 'pipe', 'pipe'] });
    haproxy.stdout!.on('data', (d: Buffer) => (haproxyOutput += d.toString()));
    haproxy.stderr!.on('data', (d: Buffer) => (haproxyOutput += d.toString()));
    const { BackendClient: Client } = loadLabProto();
    client = new Client(`${proxyIp}:50051`, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    client?.close();
    haproxy?.kill('SIGKILL');
    dns?.close();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.tryShutdown(() => r()))));
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('reports ready only once READY_BACKENDS pods are UP in its backend: a client never starts against an empty proxy', async () => {
    const ready = async (): Promise<number> =>
      fetch(`http://${proxyIp}:8404/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    // the listener answers (a bare TCP check would pass) but says 503 while no server is UP
    const before: number[] = [];
    for (let i = 0; i < 6; i++) {
      before.push(await ready());
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(before.filter((s) => s !== 0)).not.toEqual([]);
    expect(before.filter((s) => s !== 0 && s !== 503)).toEqual([]);
    // one pod UP of the two asked for: still 503 after several health checks and DNS refreshes
    live = podIps.slice(0, 1);
    const withOne: number[] = [];
    for (let i = 0; i < 10; i++) {
      withOne.push(await ready());
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(withOne.filter((s) => s === 200)).toEqual([]);
    live = podIps.slice(0, 2);
    const end = Date.now() + 15_000;
    let status = 0;
    while ((status = await ready()) !== 200 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    expect(status).toBe(200);
  });

  it('balances the calls of one client connection across the pods DNS names, in turn', async () => {
    const [p1, p2] = live.map((ip) => `pod-${ip}`);
    await untilServedBy(client, [p1, p2], 20_000).catch((e: Error) => {
      throw new Error(`${e.message}; haproxy said: ${haproxyOutput.trim().split('\n').slice(-5).join(' | ')}`);
    });
    const counts = await countServers(client, 40);
    // Round robin per call: 20/20 when both stay up; a margin for a health check blip.
    expect(Object.keys(counts).sort()).toEqual([p1, p2].sort());
    expect(Math.min(...Object.values(counts))).toBeGreaterThanOrEqual(15);
  });

  it('sends calls to a pod that appears in DNS later, within a few seconds (a scale-up)', async () => {
    live = podIps.slice();
    const added = Date.now();
    await untilServedBy(client, [`pod-${podIps[2]}`], 15_000);
    // hold valid 1s + check inter 1s, rise 1: a few seconds at most, with room for a busy machine.
    console.log(`l7-proxy: new pod served its first call ${Date.now() - added} ms after it appeared in DNS`);
    expect(Date.now() - added).toBeLessThan(15_000);
    const counts = await countServers(client, 30);
    expect(Object.keys(counts)).toHaveLength(3);
  });

  it('stops sending calls to a pod that left DNS, though it still listens (hold obsolete 1s)', async () => {
    const gone = `pod-${podIps[1]}`;
    live = [podIps[0], podIps[2]];
    const removed = Date.now();
    let streak = 0;
    while (streak < 20 && Date.now() - removed < 15_000) streak = (await work(client)) === gone ? 0 : streak + 1;
    const elapsed = Date.now() - removed;
    console.log(`l7-proxy: pod removed from DNS got its last call within ${elapsed} ms`);
    expect(elapsed).toBeLessThan(8_000);
    expect(Object.keys(await countServers(client, 30)).sort()).toEqual([`pod-${podIps[0]}`, `pod-${podIps[2]}`]);
  });
});
