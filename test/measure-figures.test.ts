import { describe, expect, it } from 'vitest';
import { computeAccounting, computeFigures, computeTimeline } from '../scripts/measure/figures.js';
import { T0, backend, client, podRecord, range, response, runData } from './helpers/synthetic-run.js';

const tenPods = Array.from({ length: 10 }, (_, i) => podRecord(`b-${i}`, -30));

describe('computeFigures', () => {
  it('counts calls, codes, classes and the UNAVAILABLE rate of the window only', () => {
    const data = runData({
      clients: [
        client('a-1', [
          { s: 0, ok: { 'b-0': 50 }, codes: { UNAVAILABLE: 50 }, classes: { shed: 50 } },
          { s: 1, ok: { 'b-0': 90 }, codes: { UNAVAILABLE: 10 }, classes: { shed: 10 } },
          { s: 2, ok: { 'b-0': 100 } },
        ]),
      ],
      pods: tenPods,
    });
    const f = computeFigures(data, range(1, 3));
    expect(f.calls).toBe(200);
    expect(f.ok).toBe(190);
    expect(f.errors).toBe(10);
    expect(f.byCode).toEqual({ OK: 190, UNAVAILABLE: 10 });
    expect(f.errorClasses).toEqual({ shed: 10 });
    expect(f.unavailableRate).toBe(0.05);
  });

  it('sums per pod over every A process and measures max/mean over the pods that existed', () => {
    const data = runData({
      clients: [client('a-1', [{ s: 0, ok: { 'b-0': 100, 'b-1': 60 } }]), client('a-2', [{ s: 0, ok: { 'b-1': 40 } }])],
      pods: tenPods,
    });
    const f = computeFigures(data, range(0, 1));
    expect(f.perPod).toEqual({ 'b-0': 100, 'b-1': 100 });
    expect(f.podsTotal).toBe(10);
    expect(f.podsWithTraffic).toBe(2);
    // Mean share over 10 pods is 20 calls; the busiest served 100.
    expect(f.maxMeanShare).toBe(5);
    expect(f.podsPerSecond).toEqual({ median: 2, max: 2 });
  });

  it('counts a pod as serving in a second only with a tenth of its calls or more: a moved connection\'s last calls do not', () => {
    // Second 0: a connection moves from b-2 to b-3, and b-2 finishes 12 calls it had in flight.
    // Second 1: ten pods share the calls evenly, each near the line.
    const even = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`b-${i}`, i % 2 ? 29 : 31]));
    const data = runData({
      clients: [
        client('a-1', [{ s: 0, ok: { 'b-0': 150 } }, { s: 1, ok: even }]),
        client('a-2', [{ s: 0, ok: { 'b-2': 12, 'b-3': 138 } }]),
      ],
      pods: tenPods,
    });
    expect(computeFigures(data, range(0, 1)).podsPerSecond).toEqual({ median: 2, max: 2 });
    expect(computeFigures(data, range(1, 2)).podsPerSecond).toEqual({ median: 5, max: 5 });
  });

  it('leaves out pods gone before the window and counts pods that lived in it', () => {
    const pods = [podRecord('old', -30, { vanishedS: 5 }), podRecord('new', 8), podRecord('steady', -30)];
    const data = runData({ clients: [client('a-1', [{ s: 10, ok: { new: 10, steady: 10 } }])], pods });
    const f = computeFigures(data, range(10, 11));
    expect(f.podsTotal).toBe(2);
    expect(f.maxMeanShare).toBe(1);
  });

  it('reads latency percentiles from the merged histograms, in milliseconds', () => {
    const fast = Array.from({ length: 99 }, () => 10);
    const data = runData({
      clients: [client('a-1', [{ s: 0, ok: { 'b-0': 99 }, latenciesMs: fast }, { s: 1, ok: { 'b-0': 1 }, latenciesMs: [900] }])],
      pods: tenPods,
    });
    const f = computeFigures(data, range(0, 2));
    expect(f.latencyMs.p50).toBeCloseTo(10, 0);
    expect(f.latencyMs.p99).toBeCloseTo(10, 0);
    expect(f.latencyMs.max).toBeGreaterThan(899);
    expect(computeFigures(data, range(5, 6)).latencyMs).toEqual({ p50: null, p99: null, max: null });
  });

  it('times each new pod from its creation to the end of the first second it served in', () => {
    const pods = [...tenPods, podRecord('fresh', 2.2), podRecord('idle', 2.5)];
    const data = runData({ clients: [client('a-1', [{ s: 3, ok: { 'b-0': 5 } }, { s: 4, ok: { fresh: 5, 'b-0': 5 } }])], pods });
    const f = computeFigures(data, range(2, 5));
    expect(f.newPods).toEqual({ fresh: 2.8, idle: null });
    expect(f.newPodsIdle).toBe(1);
    expect(f.newPodsShare).toBeCloseTo(5 / 15, 5);
  });

  it('measures what B received in the window from its cumulative counts', () => {
    const data = runData({
      backends: [
        backend('b-0', [[0, 100, 3], [5, 600, 10], [10, 1100, 20]]),
        // Started inside the window: everything it received counts.
        backend('b-1', [[6, 40], [10, 90]], 5.5),
      ],
    });
    const f = computeFigures(data, range(5, 10));
    expect(f.servedByB).toBe(500 + 90);
    expect(f.shedByB).toBe(10);
  });

  it('interpolates B counters at the edges of the whole A seconds a window holds', () => {
    const data = runData({ backends: [backend('b-0', [[0, 100], [10, 1100]])] });
    // [2.3 s, 7.2 s) holds the A seconds 2..6 (their middles lie inside): B's growth from 2 s to 7 s.
    expect(computeFigures(data, range(2.3, 7.2)).servedByB).toBe(500);
  });

  it('counts readiness failures only of pods that were not being deleted', () => {
    const events = [
      { t: T0 + 1000, type: 'pod-not-ready' as const, pod: 'b-0', deployment: 'service-b' },
      { t: T0 + 2000, type: 'pod-deleted' as const, pod: 'b-1', deployment: 'service-b' },
      { t: T0 + 3000, type: 'pod-not-ready' as const, pod: 'b-1', deployment: 'service-b' },
      { t: T0 + 4000, type: 'pod-not-ready' as const, pod: 'a-0', deployment: 'service-a' },
    ];
    expect(computeFigures(runData({ events }), range(0, 10)).readinessFailures).toBe(1);
  });

  it('splits the timeline per client deployment when asked (round 5 rows)', () => {
    const data = runData({
      clients: [client('g', [{ s: 0, ok: { 'b-0': 30 } }], 'grpc'), client('r', [{ s: 0, ok: { 'b-1': 7 } }], 'rest')],
      pods: tenPods,
    });
    expect(computeFigures(data, range(0, 1), { clients: ['rest'] }).calls).toBe(7);
  });
});

describe('computeAccounting', () => {
  it('holds when every process balances, and says so with the numbers', () => {
    const a = client('a-1', [{ s: 0, ok: { 'b-0': 10 }, skipped: 2 }]);
    const acc = computeAccounting([a]);
    expect(acc).toMatchObject({ scheduled: 12, completed: 10, inFlight: 0, skipped: 2, ok: 10, holds: true });
    expect(acc.check).toContain('scheduled 12 = completed 10 + in flight 0 + skipped 2');
  });

  it('reports in-flight calls honestly and fails when a process does not balance', () => {
    const honest = client('a-1', [{ s: 0, ok: { 'b-0': 10 } }]);
    honest.last = response('a-1', 'x', honest.buckets, 3);
    expect(computeAccounting([honest])).toMatchObject({ inFlight: 3, holds: true });
    const lying = client('a-2', [{ s: 0, ok: { 'b-0': 10 } }]);
    lying.last.totals.scheduled += 1;
    const acc = computeAccounting([honest, lying]);
    expect(acc.holds).toBe(false);
    expect(acc.check).toContain('DOES NOT HOLD for a-2');
  });

  it('proves nothing without any A process', () => {
    expect(computeAccounting([]).holds).toBe(false);
  });
});

describe('computeTimeline', () => {
  it('sums A processes per second, relative to the run start', () => {
    const data = runData({ clients: [client('a-1', [{ s: 0, ok: { x: 1 } }, { s: 1, ok: { x: 2 } }]), client('a-2', [{ s: 1, ok: { y: 3 } }])] });
    const tl = computeTimeline(data, range(0, 10));
    expect(tl.map((s) => [s.s, s.completed])).toEqual([
      [0, 1],
      [1, 5],
    ]);
    expect(tl[1].perPod).toEqual({ x: 2, y: 3 });
  });
});
