// Pod lifecycle on the local platform, with real service B processes: the order and timing of
// delete -> endpoints -> preStop -> SIGTERM -> SIGKILL (read from the event log), the proxy and
// DNS seeing an endpoint removal only after their propagation delay, and restartPolicy Always.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resolver } from 'node:dns/promises';
import * as grpc from '@grpc/grpc-js';
import { LocalPlatform } from '../scripts/platforms/local/local-platform.js';
import type { PodInfo } from '../scripts/model/k8s.js';
import { loadLabProto, type HoldTick } from '../services/shared/proto.js';
import { find, sleep, waitForEvent } from './fixtures/local/events.js';
import { namespace, service, serviceB } from './fixtures/local/objects.js';
import { testOctet } from './helpers/octets.js';

const PROPAGATION_MS = 1000;
/** Timers on a shared 2-core machine fire late, never early: the slack allowed after each deadline. */
const LATE_MS = 500;

const platform = new LocalPlatform({ octet: testOctet(), propagationDelayMs: PROPAGATION_MS, dnsPropagationDelayMs: PROPAGATION_MS, seed: 7 });
const proto = loadLabProto();
const streams: grpc.ClientReadableStream<HoldTick>[] = [];

// A B pod that will not exit on SIGTERM: graceful mode waits for an open Hold stream to end and
// its drain deadline is far beyond the grace period, so only the kubelet's SIGKILL ends it.
const holdsOn = { SHUTDOWN_MODE: 'graceful', DRAIN_TIMEOUT_MS: '120000' };

beforeAll(async () => {
  await platform.up([
    namespace(),
    serviceB({ name: 'b-drain', env: holdsOn, grace: 4, preStop: { exec: { command: ['sleep', '2'] } } }),
    service('b-drain', 'service-b'),
    // The preStop outlives the grace period: SIGTERM when the grace runs out, SIGKILL 2 s later.
    serviceB({ name: 'b-late', app: 'b-late', env: holdsOn, grace: 2, preStop: { sleep: { seconds: 5 } } }),
    serviceB({ name: 'b-crash', app: 'b-crash' }),
    serviceB({ name: 'b-dns', app: 'b-dns', replicas: 2, grace: 4, preStop: { sleep: { seconds: 3 } } }),
    service('b-dns', 'b-dns', { headless: true }),
  ]);
});

afterAll(async () => {
  for (const s of streams) s.cancel();
  await platform.down();
});

async function onlyPod(deployment: string): Promise<PodInfo> {
  const pods = (await platform.pods()).filter((p) => p.deployment === deployment && p.phase !== 'Terminating');
  expect(pods).toHaveLength(1);
  return pods[0];
}

/** Opens a Hold stream straight to the pod and waits for its first tick. */
async function holdStream(pod: PodInfo): Promise<void> {
  const client = new proto.BackendClient(`${pod.ip}:50051`, grpc.credentials.createInsecure());
  const stream = client.Hold({ callId: 'hold', intervalMs: 200 });
  stream.on('error', () => undefined);
  streams.push(stream);
  await new Promise<void>((resolve, reject) => {
    stream.once('data', () => resolve());
    stream.once('error', reject);
  });
}

describe('pod termination', () => {
  it('removes the endpoint and starts preStop at the delete, then SIGTERM after preStop, SIGKILL at the grace period', async () => {
    const pod = await onlyPod('b-drain');
    await holdStream(pod);
    expect(platform.inspection.proxyBackends('b-drain', 50051).map((b) => b.pod)).toEqual([pod.name]);

    await platform.inspection.deletePod(pod.name);
    const deleted = find(platform.events(), { type: 'pod-deleted', pod: pod.name });
    // Within the propagation delay kube-proxy still routes new connections to the pod.
    await sleep(300);
    expect(platform.inspection.proxyBackends('b-drain', 50051).map((b) => b.pod)).toContain(pod.name);

    const exited = await waitForEvent(platform, { type: 'pod-exited', pod: pod.name }, 15_000);
    const at = (m: Parameters<typeof find>[1]) => find(platform.events(), { pod: pod.name, ...m }).t - deleted.t;
    const sliceRemoved = at({ type: 'endpoint-removed', view: 'endpoints' });
    const preStop = at({ type: 'prestop-started' });
    const proxyRemoved = at({ type: 'endpoint-removed', view: 'proxy' });
    const sigterm = at({ type: 'sigterm-sent' });
    const sigkill = at({ type: 'sigkill-sent' });

    // (a) and (b) at the same instant as the delete.
    expect(sliceRemoved).toBeGreaterThanOrEqual(0);
    expect(sliceRemoved).toBeLessThan(50);
    expect(preStop).toBeGreaterThanOrEqual(0);
    expect(preStop).toBeLessThan(50);
    // kube-proxy applies the removal after the delay, never before, while preStop still runs.
    expect(proxyRemoved - sliceRemoved).toBeGreaterThanOrEqual(PROPAGATION_MS - 1);
    expect(proxyRemoved).toBeLessThan(PROPAGATION_MS + LATE_MS);
    expect(proxyRemoved).toBeLessThan(sigterm);
    // SIGTERM when the 2 s preStop returns; SIGKILL when the 4 s grace period, counted from the
    // delete, runs out (the process is still draining the Hold stream).
    expect(sigterm).toBeGreaterThanOrEqual(2000);
    expect(sigterm).toBeLessThan(2000 + LATE_MS);
    expect(sigkill).toBeGreaterThanOrEqual(4000);
    expect(sigkill).toBeLessThan(4000 + LATE_MS);
    expect(exited.detail).toBe('signal SIGKILL');
    expect(exited.t).toBeGreaterThanOrEqual(deleted.t + sigkill);
    expect(platform.inspection.proxyBackends('b-drain', 50051).map((b) => b.pod)).not.toContain(pod.name);
    // The ReplicaSet replaced the pod at the delete.
    await platform.waitForRollout('b-drain', 20_000);
    expect((await onlyPod('b-drain')).name).not.toBe(pod.name);
  });

  it('cuts a preStop that outlives the grace period, then still leaves SIGTERM 2 s before SIGKILL', async () => {
    const pod = await onlyPod('b-late');
    await holdStream(pod);
    await platform.inspection.deletePod(pod.name);
    const deleted = find(platform.events(), { type: 'pod-deleted', pod: pod.name });
    const exited = await waitForEvent(platform, { type: 'pod-exited', pod: pod.name }, 15_000);
    const sigterm = find(platform.events(), { type: 'sigterm-sent', pod: pod.name }).t - deleted.t;
    const sigkill = find(platform.events(), { type: 'sigkill-sent', pod: pod.name }).t - deleted.t;
    expect(sigterm).toBeGreaterThanOrEqual(2000);
    expect(sigterm).toBeLessThan(2000 + LATE_MS);
    expect(sigkill - sigterm).toBeGreaterThanOrEqual(2000);
    expect(sigkill - sigterm).toBeLessThan(2000 + LATE_MS);
    expect(exited.detail).toBe('signal SIGKILL');
  });
});

describe('headless Service DNS', () => {
  async function resolve(name: string): Promise<string[]> {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`${platform.inspection.addresses.dns.ip}:${platform.inspection.addresses.dns.port}`]);
    return (await resolver.resolve4(name)).sort();
  }

  it('answers the ready pods, and drops a deleted one only after the DNS propagation delay', async () => {
    const name = 'b-dns.grpc-lab.svc.cluster.local';
    const pods = (await platform.pods()).filter((p) => p.deployment === 'b-dns');
    expect(await resolve(name)).toEqual(pods.map((p) => p.ip).sort());
    // The short forms a pod's search list would complete answer the same.
    expect(await resolve('b-dns')).toEqual(pods.map((p) => p.ip).sort());

    await platform.inspection.deletePod(pods[0].name);
    const deleted = find(platform.events(), { type: 'pod-deleted', pod: pods[0].name });
    await sleep(300);
    expect(await resolve(name)).toContain(pods[0].ip);
    const removed = await waitForEvent(platform, { type: 'endpoint-removed', view: 'dns', pod: pods[0].name }, 5000);
    expect(removed.t - deleted.t).toBeGreaterThanOrEqual(PROPAGATION_MS - 1);
    expect(removed.t - deleted.t).toBeLessThan(PROPAGATION_MS + LATE_MS);
    expect(await resolve(name)).not.toContain(pods[0].ip);
    // kube-proxy has no rules for a headless Service: no proxy view, no ClusterIP.
    expect(platform.inspection.clusterIp('b-dns')).toBeUndefined();
    expect(platform.events().some((e) => e.service === 'b-dns' && e.view === 'proxy')).toBe(false);
  });
});

describe('restartPolicy Always', () => {
  it('restarts a container killed with SIGKILL, in the same pod on the same address', async () => {
    const pod = await onlyPod('b-crash');
    const pid = platform.inspection.pid(pod.name)!;
    const since = performance.timeOrigin + performance.now();
    process.kill(pid, 'SIGKILL');

    const exited = await waitForEvent(platform, { type: 'pod-exited', pod: pod.name }, 10_000, since);
    expect(exited.detail).toBe('signal SIGKILL');
    const restarted = await waitForEvent(platform, { type: 'pod-restarted', pod: pod.name }, 10_000, since);
    expect(restarted.detail).toBe('restart count 1');
    await waitForEvent(platform, { type: 'pod-ready', pod: pod.name }, 15_000, restarted.t);

    const after = await onlyPod('b-crash');
    expect(after).toMatchObject({ name: pod.name, ip: pod.ip, restarts: 1, ready: true, phase: 'Running' });
    expect(platform.inspection.pid(pod.name)).not.toBe(pid);
    // It left the endpoints while down and came back once ready again.
    const notReady = find(platform.events().filter((e) => e.t >= since), { type: 'pod-not-ready', pod: pod.name });
    expect(notReady.t).toBeLessThanOrEqual(restarted.t);
    // The process really serves again: B's /stats answers with its pod name.
    const stats = JSON.parse(await platform.httpGet(pod.name, 9090, '/stats')) as { pod: string };
    expect(stats.pod).toBe(pod.name);
  });
});
