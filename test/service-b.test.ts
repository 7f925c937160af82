// Service B as a real process on its own loopback address: Work, health, reflection, shedding,
// open-connection counting, max connection age and the REST twin.
import http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendStats } from '../services/shared/stats-schema.js';
import { backendClient, healthCheck, healthClient, listServices, work } from './helpers/grpc-client.js';
import { startService, stopAll, testSubnet, type ServiceProcess } from './helpers/processes.js';

const subnet = testSubnet();
let hosts = 0;

interface B {
  proc: ServiceProcess;
  pod: string;
  grpcAddress: string;
  restUrl: string;
  stats: () => Promise<BackendStats>;
  metrics: () => Promise<string>;
}

async function startB(env: Record<string, string> = {}): Promise<B> {
  const ip = `${subnet}.${++hosts}`;
  const pod = `b-${hosts}`;
  const proc = startService('b', { POD_NAME: pod, ...env }, ip);
  await proc.waitForLog('ready');
  return {
    proc,
    pod,
    grpcAddress: `${ip}:50051`,
    restUrl: `http://${ip}:8080`,
    stats: async () => (await fetch(`http://${ip}:9090/stats`)).json() as Promise<BackendStats>,
    metrics: async () => (await fetch(`http://${ip}:9090/metrics`)).text(),
  };
}

/** The value of one Prometheus sample, e.g. `lab_b_calls_shed_total{protocol="grpc"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface RestResult {
  status: number;
  body: Record<string, unknown>;
  connection: string | undefined;
  socket: unknown;
}

function postWork(url: string, body: unknown, agent: http.Agent): Promise<RestResult> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/work`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode!, body: JSON.parse(data) as Record<string, unknown>, connection: res.headers.connection, socket: req.socket }),
      );
    });
    req.on('error', reject);
    req.end(text);
  });
}

afterEach(stopAll);

describe('service B over gRPC', () => {
  it('answers Work with its pod name and IP, the requested payload, after the requested work time', async () => {
    const b = await startB();
    const client = backendClient(b.grpcAddress);
    const before = Date.now();
    const res = await work(client, { callId: 'c1', payloadSize: 1000, workMs: 300 });
    client.close();
    expect(res.code).toBe(grpc.status.OK);
    expect(res.reply!.podName).toBe(b.pod);
    expect(res.reply!.podIp).toBe(b.grpcAddress.split(':')[0]);
    expect(res.reply!.payload.length).toBe(1000);
    expect(res.ms).toBeGreaterThanOrEqual(290);
    expect(res.reply!.servedAtMs).toBeGreaterThanOrEqual(before + 290);
    const stats = await b.stats();
    expect(stats).toMatchObject({ service: 'b', pod: b.pod, servedByCode: { OK: 1 }, received: 1, inFlight: 0, shed: 0, draining: false });
  });

  it('reports SERVING on the health service for the server and for lab.v1.Backend', async () => {
    const b = await startB();
    const client = healthClient(b.grpcAddress);
    expect(await healthCheck(client, '')).toBe('SERVING');
    expect(await healthCheck(client, 'lab.v1.Backend')).toBe('SERVING');
    await expect(healthCheck(client, 'no.such.Service')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    client.close();
  });

  it('lists lab.v1.Backend through server reflection, as grpcurl list does', async () => {
    const b = await startB();
    const services = await listServices(b.grpcAddress);
    expect(services).toContain('lab.v1.Backend');
    expect(services).toContain('grpc.health.v1.Health');
  });

  it('sheds calls beyond CAPACITY at once with UNAVAILABLE and counts them', async () => {
    const b = await startB({ CAPACITY: '2' });
    const client = backendClient(b.grpcAddress);
    await work(client, { callId: 'warm-up', payloadSize: 0, workMs: 0 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => work(client, { callId: `c${i}`, payloadSize: 0, workMs: 800 })));
    client.close();
    const ok = results.filter((r) => r.code === grpc.status.OK);
    const shed = results.filter((r) => r.code === grpc.status.UNAVAILABLE);
    expect(ok).toHaveLength(2);
    expect(shed).toHaveLength(3);
    for (const r of shed) {
      expect(r.details).toBe(`overloaded: ${b.pod} at capacity 2`);
      expect(r.ms).toBeLessThan(400); // shed at once, not after the work
    }
    const stats = await b.stats();
    expect(stats).toMatchObject({ servedByCode: { OK: 3, UNAVAILABLE: 3 }, received: 6, shed: 3, inFlight: 0 });
    const metrics = await b.metrics();
    expect(sample(metrics, 'lab_b_calls_shed_total{protocol="grpc"}')).toBe(3);
    expect(sample(metrics, 'lab_b_calls_total{protocol="grpc",code="UNAVAILABLE"}')).toBe(3);
    expect(sample(metrics, 'lab_b_calls_total{protocol="grpc",code="OK"}')).toBe(3);
  });

  it('counts its open HTTP/2 connections: one per client channel, fewer when one closes', async () => {
    const b = await startB();
    const first = backendClient(b.grpcAddress);
    const second = backendClient(b.grpcAddress);
    await Promise.all([first, second].map((c) => work(c, { callId: 'c', payloadSize: 0, workMs: 0 })));
    expect((await b.stats()).openConnections).toBe(2);
    expect(sample(await b.metrics(), 'lab_b_open_connections')).toBe(2);
    second.close();
    expect((await until(b.stats, (s) => s.openConnections === 1)).openConnections).toBe(1);
    first.close();
    expect((await until(b.stats, (s) => s.openConnections === 0)).openConnections).toBe(0);
  });

  it('with a max connection age, sends GOAWAY: the client reconnects and no call fails', async () => {
    const b = await startB({ MAX_CONNECTION_AGE_MS: '1000', MAX_CONNECTION_AGE_GRACE_MS: '2000', WORK_MS: '10' });
    const client = backendClient(b.grpcAddress);
    const channel = client.getChannel();
    let readyCount = 0;
    const watch = (state: grpc.connectivityState) =>
      channel.watchConnectivityState(state, Infinity, () => {
        const next = channel.getConnectivityState(false);
        if (next === grpc.connectivityState.READY) readyCount++;
        if (next !== grpc.connectivityState.SHUTDOWN) watch(next);
      });
    watch(channel.getConnectivityState(false));
    // Open-loop: a call every 20 ms for 3.5 s, so calls are in flight whenever a GOAWAY arrives.
    const calls: Array<Promise<{ code: grpc.status }>> = [];
    const started = Date.now();
    while (Date.now() - started < 3500) {
      calls.push(work(client, { callId: `c${calls.length}`, payloadSize: 0 }));
      await new Promise((r) => setTimeout(r, 20));
    }
    const results = await Promise.all(calls);
    client.close();
    expect(results.filter((r) => r.code !== grpc.status.OK)).toEqual([]);
    // Connections of 1 s (+-10% jitter) in 3.5 s: at least two replacements after the first connect.
    expect(readyCount).toBeGreaterThanOrEqual(3);
    const stats = await until(b.stats, (s) => s.openConnections === 0);
    expect(stats.servedByCode.OK).toBe(results.length);
  });

  it('cuts a call that outlives MAX_CONNECTION_AGE_GRACE_MS after the GOAWAY', async () => {
    const b = await startB({ MAX_CONNECTION_AGE_MS: '500', MAX_CONNECTION_AGE_GRACE_MS: '500' });
    const client = backendClient(b.grpcAddress);
    const results = await Promise.all([1, 2, 3].map((i) => work(client, { callId: `long${i}`, payloadSize: 0, workMs: 3000 })));
    client.close();
    for (const r of results) {
      // grpc-js destroys the session: the client sees RST_STREAM(NO_ERROR) as INTERNAL on most
      // streams and "Connection dropped" on the last; never the reply.
      expect(['INTERNAL', 'UNAVAILABLE']).toContain(grpc.status[r.code]);
      expect(r.ms).toBeGreaterThanOrEqual(900); // age 500 ms (-10% jitter) + grace 500 ms
      expect(r.ms).toBeLessThan(2500);
    }
  });
});

describe('service B over REST', () => {
  it('serves POST /work with JSON over keep-alive connections', async () => {
    const b = await startB();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await postWork(b.restUrl, { callId: 'r1', payloadSize: 12, workMs: 50 }, agent);
    const second = await postWork(b.restUrl, { callId: 'r2', payloadSize: 0 }, agent);
    agent.destroy();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ podName: b.pod, podIp: b.restUrl.slice(7, -5) });
    expect(Buffer.from(first.body.payload as string, 'base64')).toHaveLength(12);
    expect(first.body.servedAtMs).toEqual(expect.any(Number));
    expect(second.status).toBe(200);
    expect(second.socket).toBe(first.socket); // the same TCP connection served both
    expect(first.connection).toBe('keep-alive');
    const stats = await b.stats();
    expect(stats.servedByCode).toEqual({ OK: 2 });
    expect(sample(await b.metrics(), 'lab_b_calls_total{protocol="rest",code="OK"}')).toBe(2);
  });

  it('sheds with 503 when the shared capacity is taken by a gRPC call', async () => {
    const b = await startB({ CAPACITY: '1' });
    const client = backendClient(b.grpcAddress);
    const agent = new http.Agent({ keepAlive: true });
    const grpcCall = work(client, { callId: 'g', payloadSize: 0, workMs: 800 });
    await until(b.stats, (s) => s.inFlight === 1);
    const shed = await postWork(b.restUrl, { callId: 'r', payloadSize: 0 }, agent);
    expect(shed.status).toBe(503);
    expect(shed.body).toEqual({ error: 'overloaded', pod: b.pod });
    expect((await grpcCall).code).toBe(grpc.status.OK);
    const after = await postWork(b.restUrl, { callId: 'r2', payloadSize: 0, workMs: 0 }, agent);
    expect(after.status).toBe(200);
    client.close();
    agent.destroy();
    const stats = await b.stats();
    expect(stats).toMatchObject({ servedByCode: { OK: 2, UNAVAILABLE: 1 }, shed: 1 });
    expect(sample(await b.metrics(), 'lab_b_calls_shed_total{protocol="rest"}')).toBe(1);
  });

  it('answers a malformed request with 400 and a reason', async () => {
    const b = await startB();
    const agent = new http.Agent();
    const notJson = await postWork(b.restUrl, '{"callId":', agent);
    const badSize = await postWork(b.restUrl, { callId: 'x', payloadSize: -1 }, agent);
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatch(/not JSON/);
    expect(badSize.status).toBe(400);
    expect(badSize.body.error).toMatch(/payloadSize/);
    expect((await b.stats()).servedByCode).toEqual({ INVALID_ARGUMENT: 2 });
  });
});
