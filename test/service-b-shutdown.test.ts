// What each SHUTDOWN_MODE does to calls in flight when B gets SIGTERM under load (what round 2
// compares). Real process, real signal, real connections.
import http from 'node:http';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendStats } from '../services/shared/stats-schema.js';
import { backendClient, healthClient, hold, work, type CallResult } from './helpers/grpc-client.js';
import { startService, stopAll, testSubnet, type ServiceProcess } from './helpers/processes.js';

const subnet = testSubnet();
let hosts = 0;
/** Calls in flight when SIGTERM arrives, each working long enough to be caught mid-call. */
const IN_FLIGHT = 8;
const CALL_WORK_MS = 1500;

afterEach(stopAll);

async function startB(env: Record<string, string>): Promise<{ proc: ServiceProcess; ip: string }> {
  const ip = `${subnet}.${++hosts}`;
  const proc = startService('b', { POD_NAME: `b-${hosts}`, ...env }, ip);
  await proc.waitForLog('ready');
  return { proc, ip };
}

async function stats(ip: string): Promise<BackendStats> {
  return (await fetch(`http://${ip}:9090/stats`)).json() as Promise<BackendStats>;
}

/** Starts IN_FLIGHT long calls over two connections and resolves once B serves `expected` calls. */
async function loadB(ip: string, expected = IN_FLIGHT): Promise<{ results: Promise<CallResult[]>; close: () => void }> {
  const clients = [backendClient(`${ip}:50051`), backendClient(`${ip}:50051`)];
  const results = Promise.all(
    Array.from({ length: IN_FLIGHT }, (_, i) => work(clients[i % 2], { callId: `c${i}`, payloadSize: 0, workMs: CALL_WORK_MS })),
  );
  for (let s = await stats(ip); s.inFlight < expected; s = await stats(ip)) await new Promise((r) => setTimeout(r, 20));
  return { results, close: () => clients.forEach((c) => c.close()) };
}

function codes(results: CallResult[]): string[] {
  return [...new Set(results.map((r) => grpc.status[r.code]))];
}

/** Resolves with how a TCP connect to ip:port ends: 'connected' or the error code. */
function tryConnect(ip: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, ip);
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

function postWork(ip: string, port: number, body: unknown): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: ip, port, path: '/work', method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Serves one REST call over a keep-alive connection and leaves it idle; `closed` resolves when B closes it. */
async function idleKeepAliveConnection(ip: string, port: number): Promise<{ closed: Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const req = http.request({ host: ip, port, path: '/work', method: 'POST', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(req.socket!));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ callId: 'idle', payloadSize: 0, workMs: 0 }));
  });
  return { closed: new Promise<void>((resolve) => socket.once('close', () => (agent.destroy(), resolve()))) };
}

describe('service B on SIGTERM under load', () => {
  it('none: Node dies on the signal and every call in flight ends UNAVAILABLE "Connection dropped"', async () => {
    const { proc, ip } = await startB({ SHUTDOWN_MODE: 'none' });
    const load = await loadB(ip);
    proc.kill('SIGTERM');
    const results = await load.results;
    load.close();
    expect(await proc.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(codes(results)).toEqual(['UNAVAILABLE']);
    for (const r of results) expect(r.details).toMatch(/Connection dropped/);
    expect(proc.logs.map((l) => l.event)).not.toContain('sigterm');
  });

  it('stop: forceShutdown ends every call in flight CANCELLED, then B exits 0', async () => {
    const { proc, ip } = await startB({ SHUTDOWN_MODE: 'stop' });
    const load = await loadB(ip);
    const sent = performance.now();
    proc.kill('SIGTERM');
    const results = await load.results;
    load.close();
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(codes(results)).toEqual(['CANCELLED']);
    for (const r of results) expect(r.ms).toBeLessThan(CALL_WORK_MS); // cut, not finished
    expect(performance.now() - sent).toBeLessThan(CALL_WORK_MS);
    expect(proc.logs.map((l) => l.event)).toEqual(['listening', 'ready', 'sigterm', 'listener-closed', 'exit']);
    expect(proc.logs.find((l) => l.event === 'sigterm')).toMatchObject({ mode: 'stop', inFlight: IN_FLIGHT, openConnections: 2 });
  });

  it('graceful: calls in flight finish OK, health turns NOT_SERVING, new connections are refused, exit 0 once drained', async () => {
    const { proc, ip } = await startB({ SHUTDOWN_MODE: 'graceful', DRAIN_TIMEOUT_MS: '10000' });
    const health = healthClient(`${ip}:50051`);
    const watch = health.Watch({ service: '' });
    const statuses: string[] = [];
    const sawNotServing = new Promise<void>((resolve) =>
      watch.on('data', (m: { status: string }) => (statuses.push(m.status), m.status === 'NOT_SERVING' && resolve())),
    );
    watch.on('error', () => undefined); // cancelled below
    const idleRest = await idleKeepAliveConnection(ip, 8080);
    const restInFlight = postWork(ip, 8080, { callId: 'rest', payloadSize: 0, workMs: CALL_WORK_MS });
    const load = await loadB(ip, IN_FLIGHT + 1);

    const sent = performance.now();
    proc.kill('SIGTERM');
    await proc.waitForLog('listener-closed');
    expect(await tryConnect(ip, 50051)).toBe('ECONNREFUSED');
    expect(await tryConnect(ip, 8080)).toBe('ECONNREFUSED');
    const late = backendClient(`${ip}:50051`);
    const refused = await work(late, { callId: 'late', payloadSize: 0, workMs: 0 }, 3000);
    late.close();
    expect(grpc.status[refused.code]).toBe('UNAVAILABLE');
    expect(refused.details).toMatch(/ECONNREFUSED/);
    await sawNotServing; // over the Watch stream opened before SIGTERM: the listener is closed
    watch.cancel();
    await idleRest.closed; // the idle keep-alive connection was closed, not left to time out
    expect((await stats(ip)).draining).toBe(true);

    const results = await load.results;
    load.close();
    expect(codes(results)).toEqual(['OK']);
    // The REST call in flight is answered, with Connection: close since the pod is going away.
    expect(await restInFlight).toEqual({ status: 200, connection: 'close' });
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    const exitedAfter = performance.now() - sent;
    expect(exitedAfter).toBeLessThan(5000); // drained: did not wait for DRAIN_TIMEOUT_MS
    health.close();
    expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
    expect(proc.logs.map((l) => l.event)).toEqual(['listening', 'ready', 'sigterm', 'draining', 'listener-closed', 'exit']);
    expect(proc.logs.find((l) => l.event === 'exit')).toMatchObject({ code: 0, forced: false, inFlight: 0 });
  });

  it('graceful: a Hold stream outliving DRAIN_TIMEOUT_MS is cut at the deadline, then B exits 0', async () => {
    const drainMs = 2000;
    const { proc, ip } = await startB({ SHUTDOWN_MODE: 'graceful', DRAIN_TIMEOUT_MS: String(drainMs) });
    const client = backendClient(`${ip}:50051`);
    const stream = hold(client, 200);
    while (stream.ticks.length < 2) await new Promise((r) => setTimeout(r, 20));
    const sent = performance.now();
    proc.kill('SIGTERM');
    await proc.waitForLog('draining');
    const ticksAtSigterm = stream.ticks.length;
    const end = await stream.ended;
    client.close();
    const cutAfter = end.at - sent;
    expect(grpc.status[end.code]).toBe('CANCELLED');
    expect(cutAfter).toBeGreaterThanOrEqual(drainMs - 100);
    expect(cutAfter).toBeLessThan(drainMs + 1500);
    expect(stream.ticks.length).toBeGreaterThan(ticksAtSigterm + 3); // kept ticking while draining
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.logs.find((l) => l.event === 'exit')).toMatchObject({ code: 0, forced: true });
  });
});
