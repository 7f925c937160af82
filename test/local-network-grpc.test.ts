// grpc-js through the emulated data path: pick_first behind a ClusterIP sticks to one pod (L4
// balancing of HTTP/2), round_robin over a headless name from the cluster DNS reaches every pod.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { loadLabProto, type WorkReply, type WorkRequest } from '../services/shared/proto.js';
import { AddressPlan } from '../scripts/platforms/local/addresses.js';
import { ClusterDns, type DnsQueryInfo } from '../scripts/platforms/local/cluster-dns.js';
import { KubeProxy, type Backend } from '../scripts/platforms/local/kube-proxy.js';
import { PROJECT_ROOT } from './helpers/processes.js';
import { testOctet } from './helpers/octets.js';

const PORT = 50051;
const plan = new AddressPlan(testOctet());
const VIP = plan.serviceIp(0);
const HEADLESS = 'b-headless.grpc-lab.svc.cluster.local';
const proto = loadLabProto();
const servers: grpc.Server[] = [];
const backends: Backend[] = [];
const dnsQueries: DnsQueryInfo[] = [];
const proxy = new KubeProxy({ random: Math.random });
const dns = new ClusterDns({ ...plan.dns, onQuery: (q) => dnsQueries.push(q) });

async function startPod(pod: string): Promise<Backend> {
  const ip = plan.nextPodIp();
  const server = new grpc.Server();
  server.addService(proto.BackendService, {
    Work: (_call: grpc.ServerUnaryCall<WorkRequest, WorkReply>, cb: grpc.sendUnaryData<WorkReply>) =>
      cb(null, { podName: pod, podIp: ip, servedAtMs: Date.now(), payload: Buffer.alloc(0) }),
  });
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${ip}:${PORT}`, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
  servers.push(server);
  return { pod, ip, port: PORT };
}

function work(client: ReturnType<typeof newClient>, callId: string): Promise<WorkReply> {
  return new Promise((resolve, reject) =>
    client.Work({ callId, payloadSize: 0 }, new grpc.Metadata(), { deadline: Date.now() + 5000 }, (err, reply) => (err ? reject(err) : resolve(reply!))),
  );
}

function newClient(target: string) {
  // Its own subchannel pool: no connection shared with another client of this file.
  return new proto.BackendClient(target, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
}

beforeAll(async () => {
  backends.push(...(await Promise.all(['b-0', 'b-1', 'b-2'].map(startPod))));
  await proxy.addServicePort(VIP, PORT);
  proxy.setBackends(VIP, PORT, backends);
  await dns.start();
  dns.setRecords(HEADLESS, backends.map((b) => b.ip));
});

afterAll(async () => {
  await proxy.close();
  await dns.stop();
  for (const server of servers) server.forceShutdown();
});

describe('grpc-js over the local data path', () => {
  it('pick_first through a ClusterIP: one connection, every call on one pod', async () => {
    const client = newClient(`${VIP}:${PORT}`);
    try {
      const served = new Set<string>();
      for (let i = 0; i < 50; i++) served.add((await work(client, `c${i}`)).podName);
      expect(served.size).toBe(1);
      const counts = proxy.connectionCounts(VIP, PORT);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
      expect(counts[[...served][0]]).toBe(1);
    } finally {
      client.close();
    }
  });

  it('round_robin over the headless name reaches every pod (alternative resolver, in a child process)', async () => {
    const script = path.join(PROJECT_ROOT, 'test/local-network-dns-client.mjs');
    expect(existsSync(path.join(PROJECT_ROOT, 'dist/services/shared/proto.js')), 'build first: npx tsc -p tsconfig.json').toBe(true);
    dnsQueries.length = 0;
    const target = `dns://${plan.dns.ip}:${plan.dns.port}/${HEADLESS}:${PORT}`;
    const { stdout } = await promisify(execFile)(process.execPath, [script, target, '60'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, GRPC_NODE_USE_ALTERNATIVE_RESOLVER: 'true' },
      timeout: 30_000,
    });
    const result = JSON.parse(stdout) as { pods: Record<string, number>; errors: string[] };
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.pods).sort()).toEqual(['b-0', 'b-1', 'b-2']);
    // What grpc-js's alternative resolver asks: A and AAAA for the addresses, TXT for a service config.
    const asked = new Set(dnsQueries.map((q) => `${q.type} ${q.name.toLowerCase()}`));
    expect([...asked].sort()).toEqual([`A ${HEADLESS}`, `AAAA ${HEADLESS}`, `TXT ${HEADLESS}`]);
  });

  it('a pod that refuses behind the ClusterIP fails the call with UNAVAILABLE', async () => {
    const vip = plan.serviceIp(1);
    await proxy.addServicePort(vip, PORT);
    proxy.setBackends(vip, PORT, [{ pod: 'b-gone', ip: plan.nextPodIp(), port: PORT }]);
    const client = newClient(`${vip}:${PORT}`);
    try {
      const err = (await work(client, 'refused').catch((e: unknown) => e)) as grpc.ServiceError;
      expect(err.code).toBe(grpc.status.UNAVAILABLE);
      // A direct refusal reads "No connection established. Last error: Error: connect ECONNREFUSED";
      // through the user-space proxy the last error is a reset, the rest of the message is the same.
      expect(err.details).toMatch(/^No connection established\. Last error: read ECONNRESET/);
    } finally {
      client.close();
    }
  });
});
