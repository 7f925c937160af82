// kube-proxy conformance: real TCP connections through real listeners on loopback addresses.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { AddressPlan } from '../scripts/platforms/local/addresses.js';
import { KubeProxy, type Backend, type ConnectionInfo } from '../scripts/platforms/local/kube-proxy.js';
import { PlatformError } from '../scripts/platforms/platform.js';
import { Rng } from '../services/shared/rng.js';
import { testOctet } from './helpers/octets.js';

const PORT = 50051;
const plan = new AddressPlan(testOctet());
const VIP = plan.serviceIp(0);

/** A pod stand-in: greets with its name, echoes every byte, says "bye" when the client ends. */
interface EchoPod extends Backend {
  server: net.Server;
  sockets: Set<net.Socket>;
}

async function startEchoPod(pod: string): Promise<EchoPod> {
  const ip = plan.nextPodIp();
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write(`${pod}\n`);
    socket.on('data', (d) => socket.write(d));
    socket.on('end', () => socket.end('bye\n'));
  });
  await new Promise<void>((resolve) => server.listen(PORT, ip, resolve));
  return { pod, ip, port: PORT, server, sockets };
}

async function stopEchoPod(pod: EchoPod): Promise<void> {
  for (const s of pod.sockets) s.destroy();
  await new Promise((resolve) => pod.server.close(resolve));
}

/** A client connection that records what it received and how it ended. */
class Client {
  readonly socket: net.Socket;
  received = '';
  connected = false;
  readonly ended: Promise<{ code?: string; received: string; gotEnd: boolean }>;
  private gotEnd = false;
  private waiters: Array<() => void> = [];

  constructor(host = VIP, port = PORT) {
    this.socket = net.connect({ host, port, allowHalfOpen: true });
    this.socket.on('connect', () => (this.connected = true));
    this.socket.on('data', (d: Buffer) => {
      this.received += d.toString();
      for (const w of this.waiters) w();
    });
    this.socket.on('end', () => (this.gotEnd = true));
    let code: string | undefined;
    this.socket.on('error', (err: NodeJS.ErrnoException) => (code = err.code));
    this.ended = new Promise((resolve) => this.socket.on('close', () => resolve({ code, received: this.received, gotEnd: this.gotEnd })));
  }

  /** Resolves once the received text contains `text`. */
  waitFor(text: string, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`did not receive ${JSON.stringify(text)}; got ${JSON.stringify(this.received)}`)), timeoutMs);
      const check = () => {
        if (!this.received.includes(text)) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
      check();
    });
  }

  /** The greeting line: which pod the connection reached. */
  async pod(): Promise<string> {
    await this.waitFor('\n');
    return this.received.split('\n')[0];
  }
}

let pods: EchoPod[] = [];
let proxy: KubeProxy;
const connections: ConnectionInfo[] = [];

beforeAll(async () => {
  pods = await Promise.all(['b-0', 'b-1', 'b-2', 'b-3', 'b-4'].map(startEchoPod));
  proxy = new KubeProxy({ random: () => rng.next(), onConnection: (info) => connections.push(info) });
  await proxy.addServicePort(VIP, PORT);
});

afterAll(async () => {
  await proxy.close();
  await Promise.all(pods.map(stopEchoPod));
});

afterEach(() => {
  proxy.setBackends(VIP, PORT, []);
  connections.length = 0;
});

// A fixed seed keeps the chi-square test repeatable; the statistic is still computed from where
// 1,000 real connections actually landed.
const rng = new Rng(20240611);
const backendsOf = (list: EchoPod[]): Backend[] => list.map(({ pod, ip, port }) => ({ pod, ip, port }));

describe('kube-proxy', () => {
  it('spreads new connections evenly over 5 backends (chi-square over 1,000 connections)', async () => {
    proxy.setBackends(VIP, PORT, backendsOf(pods));
    const before = proxy.connectionCounts(VIP, PORT);
    const landed: Record<string, number> = {};
    const total = 1000;
    let started = 0;
    // 20 connections in flight at a time: quick, without piling up thousands of sockets.
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (started < total) {
          started++;
          const client = new Client();
          const pod = await client.pod();
          landed[pod] = (landed[pod] ?? 0) + 1;
          client.socket.end();
          await client.ended;
        }
      }),
    );
    const expected = total / pods.length;
    const chiSquare = pods.reduce((sum, p) => sum + ((landed[p.pod] ?? 0) - expected) ** 2 / expected, 0);
    // 4 degrees of freedom, 99.9% critical value.
    expect(chiSquare).toBeLessThan(18.47);
    expect(Object.keys(landed).sort()).toEqual(pods.map((p) => p.pod));
    const after = proxy.connectionCounts(VIP, PORT);
    for (const p of pods) expect((after[p.pod] ?? 0) - (before[p.pod] ?? 0)).toBe(landed[p.pod]);
    expect(connections).toHaveLength(total);
  });

  it('keeps an established connection when its endpoint is removed; new ones go elsewhere or are reset', async () => {
    proxy.setBackends(VIP, PORT, backendsOf([pods[0]]));
    const established = new Client();
    expect(await established.pod()).toBe('b-0');
    established.socket.write('ping-1;');
    await established.waitFor('ping-1;');

    proxy.setBackends(VIP, PORT, []);
    established.socket.write('ping-2;');
    await established.waitFor('ping-2;');
    const rejected = await new Client().ended;
    expect(rejected).toMatchObject({ code: 'ECONNRESET', received: '' });

    proxy.setBackends(VIP, PORT, backendsOf([pods[1]]));
    const fresh = new Client();
    expect(await fresh.pod()).toBe('b-1');
    established.socket.write('ping-3;');
    await established.waitFor('ping-3;');
    expect(connections.map((c) => c.backend?.pod ?? null)).toEqual(['b-0', null, 'b-1']);

    // Half-close: the client's FIN reaches the pod, whose answer and FIN still come back.
    established.socket.end();
    fresh.socket.end();
    expect(await established.ended).toMatchObject({ code: undefined, gotEnd: true, received: 'b-0\nping-1;ping-2;ping-3;bye\n' });
    expect(await fresh.ended).toMatchObject({ code: undefined, gotEnd: true, received: 'b-1\nbye\n' });
  });

  it('resets the client when the chosen pod refuses, before any byte', async () => {
    const closedIp = plan.nextPodIp();
    proxy.setBackends(VIP, PORT, [{ pod: 'b-gone', ip: closedIp, port: PORT }]);
    const client = new Client();
    const end = await client.ended;
    expect(end).toMatchObject({ code: 'ECONNRESET', received: '' });
    // The closest a user-space proxy gets to a refusal: the client's connect had succeeded.
    expect(client.connected).toBe(true);
    expect(connections[0]?.backend?.pod).toBe('b-gone');
  });

  it('resets the client of a service with no endpoints', async () => {
    const end = await new Client().ended;
    expect(end).toMatchObject({ code: 'ECONNRESET', received: '' });
    expect(connections).toEqual([{ vip: VIP, port: PORT, backend: null }]);
  });

  it('passes a reset through in both directions', async () => {
    proxy.setBackends(VIP, PORT, backendsOf([pods[2]]));
    const fromPod = new Client();
    expect(await fromPod.pod()).toBe('b-2');
    for (const s of pods[2].sockets) s.resetAndDestroy();
    expect(await fromPod.ended).toMatchObject({ code: 'ECONNRESET', gotEnd: false });

    const fromClient = new Client();
    expect(await fromClient.pod()).toBe('b-2');
    const podSide = [...pods[2].sockets][0];
    const podSaw = new Promise<string | undefined>((resolve) => {
      let code: string | undefined;
      podSide.on('error', (err: NodeJS.ErrnoException) => (code = err.code));
      podSide.on('close', () => resolve(code));
    });
    fromClient.socket.resetAndDestroy();
    expect(await podSaw).toBe('ECONNRESET');
  });

  it('refuses a port that is already taken, with a PlatformError', async () => {
    await expect(proxy.addServicePort(VIP, PORT)).rejects.toThrow(PlatformError);
    const other = new KubeProxy({ random: Math.random });
    await expect(other.addServicePort(VIP, PORT)).rejects.toThrow(`port ${VIP}:${PORT} for ClusterIP ${VIP}:${PORT} is already in use`);
    await other.close();
    expect(() => proxy.setBackends(plan.serviceIp(9), PORT, [])).toThrow(PlatformError);
  });

  it('close() destroys proxied connections and frees the port', async () => {
    const vip = plan.serviceIp(1);
    const own = new KubeProxy({ random: Math.random });
    await own.addServicePort(vip, PORT);
    own.setBackends(vip, PORT, backendsOf([pods[3]]));
    const client = new Client(vip, PORT);
    expect(await client.pod()).toBe('b-3');
    // This client allows half-open connections: it closes its side once the proxy's FIN arrives.
    client.socket.on('end', () => client.socket.end());
    await own.close();
    expect(await client.ended).toMatchObject({ code: undefined, gotEnd: true });
    const again = net.createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(PORT, vip, resolve);
    });
    await new Promise((resolve) => again.close(resolve));
  });
});
