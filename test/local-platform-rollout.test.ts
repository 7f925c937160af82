// Deployments on the local platform, with real service B processes: a rolling update replayed
// from the event log never breaks maxSurge / maxUnavailable, scaling behaves as the ReplicaSet
// controller does, and a 20-pod deployment starts, rolls and tears down cleanly (timed).
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertPortFree } from '../scripts/platforms/local/addresses.js';
import { LocalPlatform } from '../scripts/platforms/local/local-platform.js';
import type { LabEvent } from '../scripts/model/events.js';
import { alive, find } from './fixtures/local/events.js';
import { namespace, service, serviceB } from './fixtures/local/objects.js';
import { testOctet } from './helpers/octets.js';

/** Pod name -> template hash: <deployment>-<hash>-<suffix>. */
const hashOf = (pod: string) => pod.split('-').at(-2);

interface Extremes {
  maxActive: number;
  minReady: number;
}

/**
 * Replays the deployment's events: pods that are not terminating (created, not yet deleted) and
 * ready pods, checked after every event from `from` on. Returns the extremes seen.
 */
function replay(events: LabEvent[], deployment: string, from: LabEvent, to: LabEvent): Extremes {
  const active = new Set<string>();
  const ready = new Set<string>();
  const seen: Extremes = { maxActive: 0, minReady: Infinity };
  for (const e of events.filter((x) => x.deployment === deployment && x.t <= to.t)) {
    if (e.type === 'pod-created') active.add(e.pod!);
    if (e.type === 'pod-deleted') active.delete(e.pod!);
    if (e.type === 'pod-ready') ready.add(e.pod!);
    if (e.type === 'pod-not-ready' || e.type === 'pod-deleted') ready.delete(e.pod!);
    if (e.t < from.t) continue;
    seen.maxActive = Math.max(seen.maxActive, active.size);
    seen.minReady = Math.min(seen.minReady, ready.size);
  }
  return seen;
}

describe('rolling update and scaling (10 replicas)', () => {
  const platform = new LocalPlatform({ octet: testOctet(), seed: 11 });

  beforeAll(async () => {
    await platform.up([
      namespace(),
      // 25% of 10: maxSurge rounds up to 3, maxUnavailable rounds down to 2.
      serviceB({ replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } }),
      service('service-b', 'service-b'),
    ]);
  }, 90_000);
  afterAll(() => platform.down());

  it('never has more than replicas + maxSurge pods, nor fewer than replicas - maxUnavailable ready', async () => {
    const before = (await platform.pods()).map((p) => p.name);
    const startedAt = platform.events().length;
    await platform.rolloutRestart('service-b');
    await platform.waitForRollout('service-b', 60_000);
    const events = platform.events();
    const started = find(events.slice(startedAt), { type: 'rollout-started', deployment: 'service-b' });
    const completed = find(events.slice(startedAt), { type: 'rollout-completed', deployment: 'service-b' });

    const { maxActive, minReady } = replay(events, 'service-b', started, completed);
    expect(maxActive).toBe(13); // the surge is used, and never exceeded
    expect(minReady).toBe(8); // the unavailability budget is used, and never exceeded

    const after = (await platform.pods()).filter((p) => p.phase !== 'Terminating');
    expect(after).toHaveLength(10);
    expect(after.every((p) => p.ready && !before.includes(p.name))).toBe(true);
    expect(new Set(after.map((p) => hashOf(p.name))).size).toBe(1);
    expect(hashOf(after[0].name)).not.toBe(hashOf(before[0]));
    expect(started.detail).toContain(`${hashOf(before[0])} -> ${hashOf(after[0].name)}`);
    for (const old of before) find(events.slice(startedAt), { type: 'pod-deleted', pod: old });
  });

  it('scales up, then down by deleting the newest pods first', async () => {
    await platform.inspection.waitForPropagation();
    const startedAt = platform.events().length;
    await platform.scale('service-b', 14);
    await platform.waitForRollout('service-b', 30_000);
    const up = (await platform.pods()).filter((p) => p.phase !== 'Terminating');
    expect(up).toHaveLength(14);
    expect(platform.events().slice(startedAt).filter((e) => e.type === 'pod-created')).toHaveLength(4);
    expect(find(platform.events().slice(startedAt), { type: 'scaled' }).detail).toBe('replicas 10 -> 14');

    const newest = [...up].sort((a, b) => b.createdAt - a.createdAt).slice(0, 5).map((p) => p.name).sort();
    const downAt = platform.events().length;
    await platform.scale('service-b', 9);
    await platform.waitForRollout('service-b', 30_000);
    const deleted = platform.events().slice(downAt).filter((e) => e.type === 'pod-deleted').map((e) => e.pod).sort();
    expect(deleted).toEqual(newest);
    await platform.inspection.waitForPropagation();
    expect(platform.inspection.proxyBackends('service-b', 50051)).toHaveLength(9);
  });
});

describe('20 pods', () => {
  const platform = new LocalPlatform({ octet: testOctet(), seed: 12 });
  afterAll(() => platform.down());

  it('start, roll and tear down cleanly: no process left, every port free', async () => {
    const t0 = performance.now();
    await platform.up([namespace(), serviceB({ replicas: 20 }), service('service-b', 'service-b')], 110_000);
    const startMs = performance.now() - t0;
    expect((await platform.pods()).filter((p) => p.ready)).toHaveLength(20);

    const t1 = performance.now();
    await platform.rolloutRestart('service-b');
    await platform.waitForRollout('service-b', 110_000);
    const rollMs = performance.now() - t1;

    const pods = await platform.pods();
    const pids = platform.inspection.childPids();
    expect(pids.length).toBeGreaterThanOrEqual(21); // every pod still running, and the watchdog
    const vip = platform.inspection.clusterIp('service-b')!;
    const tempDir = platform.inspection.tempDir()!;
    const t2 = performance.now();
    await platform.down();
    const downMs = performance.now() - t2;

    // Processes end asynchronously to the last exit event only by microseconds; give them 1 s.
    const deadline = Date.now() + 1000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(pids.filter(alive)).toEqual([]);
    const { ip, port } = platform.inspection.addresses.dns;
    await assertPortFree(ip, port, 'cluster DNS', 'udp');
    await assertPortFree(ip, port, 'cluster DNS', 'tcp');
    await assertPortFree(vip, 50051, 'ClusterIP');
    for (const p of pods) await assertPortFree(p.ip, 50051, p.name);
    expect(await platform.pods()).toEqual([]);
    expect(existsSync(tempDir)).toBe(false);
    await platform.down(); // idempotent

    console.log(`local platform, 20 B pods: start ${(startMs / 1000).toFixed(1)} s, rolling restart ${(rollMs / 1000).toFixed(1)} s, tear-down ${(downMs / 1000).toFixed(2)} s`);
    expect(downMs).toBeLessThan(5000);
  }, 240_000);
});
