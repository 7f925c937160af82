// Service B counts the bytes its gRPC and REST sockets carry (lab_b_wire_bytes_total), live while a
// connection is open and in full once it has closed: round 5's "bytes per call".
import http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendStats } from '../services/shared/stats-schema.js';
import type { BackendClient } from '../services/shared/proto.js';
import { backendClient, work } from './helpers/grpc-client.js';
import { startService, stopAll, testSubnet } from './helpers/processes.js';

const subnet = testSubnet();
let hosts = 0;
const CALLS = 20;
const BIG_PAYLOAD = 10_000;

afterEach(stopAll);

type Wire = Record<'grpc-in' | 'grpc-out' | 'rest-in' | 'rest-out', number>;

interface B {
  ip: string;
  wire: () => Promise<Wire>;
  stats: () => Promise<BackendStats>;
}

async function startB(): Promise<B> {
  const ip = `${subnet}.${++hosts}`;
  const proc = startService('b', { POD_NAME: `b-${hosts}`, WORK_MS: '0' }, ip);
  await proc.waitForLog('ready');
  return {
    ip,
    wire: async () => wireBytes(await (await fetch(`http://${ip}:9090/metrics`)).text()),
    stats: async () => (await fetch(`http://${ip}:9090/stats`)).json() as Promise<BackendStats>,
  };
}

/** Every lab_b_wire_bytes_total sample, keyed protocol-direction; a missing one fails the test. */
function wireBytes(text: string): Wire {
  const found: Record<string, number> = {};
  for (const m of text.matchAll(/^lab_b_wire_bytes_total\{protocol="(\w+)",direction="(\w+)"\} (\d+)$/gm)) {
    found[`${m[1]}-${m[2]}`] = Number(m[3]);
  }
  expect(Object.keys(found).sort()).toEqual(['grpc-in', 'grpc-out', 'rest-in', 'rest-out']);
  return found as Wire;
}

function growth(before: Wire, after: Wire): Wire {
  const keys = Object.keys(before) as Array<keyof Wire>;
  return Object.fromEntries(keys.map((k) => [k, after[k] - before[k]])) as Wire;
}

/** Reads the counter before and after `calls` and returns what they added. */
async function measure(b: B, calls: () => Promise<void>): Promise<Wire> {
  const before = await b.wire();
  await calls();
  return growth(before, await b.wire());
}

async function grpcCalls(client: BackendClient, payloadSize: number): Promise<void> {
  for (let i = 0; i < CALLS; i++) {
    const res = await work(client, { callId: `g${i}`, payloadSize, workMs: 0 });
    expect(res.code).toBe(grpc.status.OK);
  }
}

async function restCalls(url: string, agent: http.Agent, payloadSize: number): Promise<void> {
  for (let i = 0; i < CALLS; i++) {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${url}/work`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ callId: `r${i}`, payloadSize, workMs: 0 }));
    });
    expect(status).toBe(200);
  }
}

/** A bigger payload adds its own bytes on the wire, give or take a little framing and header
 *  compression (HPACK, chunk sizes) that differ between two runs of calls. */
function expectPayloadGrowth(growthBytes: number, payloadBytes: number): void {
  expect(growthBytes).toBeGreaterThan(payloadBytes * 0.99);
  expect(growthBytes).toBeLessThan(payloadBytes * 1.02);
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('service B counts the bytes on its sockets', () => {
  it('gRPC: counts an open connection live, grows with the payload, keeps a closed connection in full', async () => {
    const b = await startB();
    expect(await b.wire()).toEqual({ 'grpc-in': 0, 'grpc-out': 0, 'rest-in': 0, 'rest-out': 0 });

    const client = backendClient(`${b.ip}:50051`);
    await work(client, { callId: 'connect', payloadSize: 0, workMs: 0 });
    // The connection stays open across both reads: only the live count can see these calls.
    const small = await measure(b, () => grpcCalls(client, 0));
    const big = await measure(b, () => grpcCalls(client, BIG_PAYLOAD));
    expect(small['grpc-in']).toBeGreaterThan(CALLS * 20); // each request is a few dozen bytes of frames
    expect(small['grpc-out']).toBeGreaterThan(CALLS * 20);
    expect(small['grpc-out']).toBeLessThan(CALLS * 500); // HPACK keeps a reply with no payload small
    expect(big['grpc-out']).toBeGreaterThanOrEqual(CALLS * BIG_PAYLOAD);
    expectPayloadGrowth(big['grpc-out'] - small['grpc-out'], CALLS * BIG_PAYLOAD);
    expect(small['rest-in'] + small['rest-out'] + big['rest-in'] + big['rest-out']).toBe(0);
    client.close();

    // A connection that closes before the next read still counts in full.
    const closed = await measure(b, async () => {
      const shortLived = backendClient(`${b.ip}:50051`);
      await grpcCalls(shortLived, BIG_PAYLOAD);
      shortLived.close();
      await until(b.stats, (s) => s.openConnections === 0);
      // B's session is gone; give the socket's own 'close' (where its last bytes are added) time to follow.
      await new Promise((r) => setTimeout(r, 300));
    });
    expect((await b.stats()).openConnections).toBe(0);
    expect(closed['grpc-out']).toBeGreaterThanOrEqual(CALLS * BIG_PAYLOAD);
  });

  it('REST: counts a keep-alive connection live, grows with the payload (base64), keeps a closed one in full', async () => {
    const b = await startB();
    const url = `http://${b.ip}:8080`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const small = await measure(b, () => restCalls(url, agent, 0));
    const big = await measure(b, () => restCalls(url, agent, BIG_PAYLOAD));
    agent.destroy();
    const base64Bytes = Buffer.alloc(BIG_PAYLOAD).toString('base64').length;
    expect(small['rest-in']).toBeGreaterThan(CALLS * 50); // request line, headers and a JSON body
    expect(small['rest-out']).toBeGreaterThan(CALLS * 50);
    expect(small['rest-out']).toBeLessThan(CALLS * 1000);
    expect(big['rest-out']).toBeGreaterThanOrEqual(CALLS * base64Bytes);
    expectPayloadGrowth(big['rest-out'] - small['rest-out'], CALLS * base64Bytes);
    expect(small['grpc-in'] + small['grpc-out'] + big['grpc-in'] + big['grpc-out']).toBe(0);

    // One connection per call (no keep-alive), each given time to close before the counter is read.
    const closed = await measure(b, async () => {
      await restCalls(url, new http.Agent({ keepAlive: false }), BIG_PAYLOAD);
      await new Promise((r) => setTimeout(r, 300));
    });
    expect(closed['rest-out']).toBeGreaterThanOrEqual(CALLS * base64Bytes);
  });
});
