// A's schedule lag, each A process's books and the timeline against the accounting, from synthetic
// runs whose numbers are stated here: a good run is trusted, a starved one is not (whatever its
// verdicts), and the timeline says what it leaves out instead of disagreeing in silence.
import { describe, expect, it } from 'vitest';
import type { ClientSeries } from '../scripts/measure/run-data.js';
import { computeAccounting, computeTimeline } from '../scripts/measure/figures.js';
import { lagOf, scheduleLag, SCHEDULE_LAG_BOUND_MS } from '../scripts/measure/schedule-lag.js';
import { checkTimeline } from '../scripts/measure/timeline-check.js';
import { LOCAL_TRAITS } from '../scripts/platforms/local/traits.js';
import { round3 } from '../scripts/scenarios/round-3-constraint.js';
import { buildResult } from '../scripts/scenarios/result.js';
import { client, runData, T0, type SecondSpec } from './helpers/synthetic-run.js';

const FROM_LOAD_START = { from: T0, to: Infinity };

/** `n` seconds from `fromS`, each with `calls` OK calls whose lags cycle through `lags`. */
function seconds(fromS: number, n: number, calls: number, lags: number[]): SecondSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    s: fromS + i,
    ok: { 'b-1': calls },
    lagMs: Array.from({ length: calls }, (_, k) => lags[k % lags.length]),
  }));
}

/** 100 calls a second: 98 start 1 ms late, one 3 ms, one 20 ms (a GC pause). */
const GOOD = [...Array<number>(98).fill(1), 3, 20];
/** A starved machine: every call hundreds of ms late. */
const STARVED = [180, 250, 320, 410, 600];

describe('schedule lag', () => {
  it('reads p50 and p99 from the calls themselves, the max from each second', () => {
    const a = client('a-1', seconds(0, 10, 100, GOOD));
    expect(lagOf(a.buckets)).toEqual({ p50: 1, p99: 3, max: 20 });
    expect(lagOf([])).toEqual({ p50: null, p99: null, max: null });
  });

  it('a good run keeps its schedule: trusted, and the sentence gives the figures and the bound', () => {
    const lag = scheduleLag([client('a-1', seconds(0, 10, 100, GOOD))], FROM_LOAD_START);
    expect(lag).toEqual({
      lagMs: { p50: 1, p99: 3, max: 20 },
      boundMs: SCHEDULE_LAG_BOUND_MS,
      behind: false,
      check: 'A kept its schedule: lag p50 1 ms, p99 3 ms, max 20 ms (bound: p99 <= 50 ms)',
    });
  });

  it('a starved run is behind its schedule: not trusted, said as such', () => {
    const lag = scheduleLag([client('a-1', seconds(0, 10, 100, STARVED))], FROM_LOAD_START);
    expect(lag.behind).toBe(true);
    expect(lag.lagMs.p99).toBeGreaterThan(500);
    expect(lag.check).toMatch(/^A fell behind its schedule: lag p50 3\d\d(\.\d)? ms, p99 \d+(\.\d)? ms, max 600 ms \(bound: p99 <= 50 ms\)/);
  });

  it('the bound is on the p99: a few late calls (under 1%) do not make a run untrusted, more do', () => {
    const fewLate = [...Array<number>(995).fill(1), ...Array<number>(5).fill(300)];
    expect(scheduleLag([client('a-1', seconds(0, 1, 1000, fewLate))], FROM_LOAD_START)).toMatchObject({ behind: false, lagMs: { max: 300 } });
    const manyLate = [...Array<number>(980).fill(1), ...Array<number>(20).fill(300)];
    const late = scheduleLag([client('a-1', seconds(0, 1, 1000, manyLate))], FROM_LOAD_START);
    expect(late.behind).toBe(true);
    // HDR histograms keep 3 significant digits.
    expect(late.lagMs.p99).toBeCloseTo(300, 0);
    // Just below the bound the run is still trusted; just above it, not (the histogram's 0.1%
    // resolution makes the bound itself a coin toss: 50 ms reads back as 50.02).
    expect(scheduleLag([client('a-1', seconds(0, 1, 100, [49]))], FROM_LOAD_START).behind).toBe(false);
    expect(scheduleLag([client('a-1', seconds(0, 1, 100, [51]))], FROM_LOAD_START).behind).toBe(true);
  });

  it('counts from load start: A\'s start-up lag, before t0, is no part of the run', () => {
    const a = client('a-1', [...seconds(-3, 3, 100, STARVED), ...seconds(0, 10, 100, GOOD)]);
    expect(scheduleLag([a], FROM_LOAD_START).behind).toBe(false);
    expect(scheduleLag([a], { from: -Infinity, to: Infinity }).behind).toBe(true);
  });

  it('merges every A process: one starved process makes the run untrusted', () => {
    const good = client('a-1', seconds(0, 10, 100, GOOD));
    const starved = client('a-2', seconds(0, 10, 100, STARVED));
    expect(scheduleLag([good, starved], FROM_LOAD_START).behind).toBe(true);
  });

  it('without any lag reported, it says so rather than guess', () => {
    const silent: ClientSeries = client('a-1', [{ s: 0 }]);
    expect(scheduleLag([silent], FROM_LOAD_START)).toMatchObject({ behind: false, lagMs: { p50: null, p99: null } });
    expect(scheduleLag([silent], FROM_LOAD_START).check).toMatch(/^A's schedule lag was not measured/);
  });

  it('gives each second of the timeline its lag p99', () => {
    const tl = computeTimeline(runData({ clients: [client('a-1', [...seconds(0, 1, 100, GOOD), ...seconds(1, 1, 100, STARVED)])] }), FROM_LOAD_START);
    expect(tl.map((t) => Math.round(t.lagP99Ms!))).toEqual([3, 600]);
  });
});

describe('each A process\'s books', () => {
  it('lists every process with its own totals, whether they hold, and its lag from load start', () => {
    const a1 = client('a-1', [...seconds(-2, 2, 100, STARVED), ...seconds(0, 5, 100, GOOD)]);
    const a2 = client('a-2', seconds(0, 5, 50, [2]));
    a2.last = { ...a2.last, totals: { ...a2.last.totals, scheduled: a2.last.totals.scheduled + 1 } };
    const acc = computeAccounting([a1, a2], FROM_LOAD_START);
    expect(acc.processes).toEqual([
      { pod: 'a-1', deployment: 'service-a', scheduled: 700, completed: 700, inFlight: 0, skipped: 0, ok: 700, holds: true, lagMs: { p50: 1, p99: 3, max: 20 } },
      { pod: 'a-2', deployment: 'service-a', scheduled: 251, completed: 250, inFlight: 0, skipped: 0, ok: 250, holds: false, lagMs: { p50: 2, p99: 2, max: 2 } },
    ]);
    expect(acc.holds).toBe(false);
    expect(acc.check).toMatch(/DOES NOT HOLD for a-2$/);
  });
});

describe('the timeline against the accounting', () => {
  it('adds up when A placed nothing before load start', () => {
    const data = runData({ clients: [client('a-1', seconds(0, 4, 10, [1]))] });
    const acc = computeAccounting(data.clients);
    const check = checkTimeline(data.clients, T0, computeTimeline(data, FROM_LOAD_START), acc);
    expect(check).toEqual({
      timeline: { scheduled: 40, completed: 40, skipped: 0 },
      beforeStart: { scheduled: 0, completed: 0, skipped: 0 },
      unread: { scheduled: 0, completed: 0, skipped: 0 },
      reconciles: true,
      check: 'the timeline adds up to the accounting: scheduled 40, completed 40, skipped 0',
    });
  });

  it('says in one line what it leaves out: A\'s start-up before load start, and seconds never read', () => {
    const a = client('a-1', [...seconds(-3, 3, 7, [1]), ...seconds(0, 4, 10, [1]), { s: 4, ok: { 'b-1': 10 }, skipped: 2 }]);
    a.last = { ...a.last, totals: { ...a.last.totals, scheduled: a.last.totals.scheduled + 5, completed: a.last.totals.completed + 5 } };
    const data = runData({ clients: [a] });
    const acc = computeAccounting(data.clients);
    const timeline = computeTimeline(data, FROM_LOAD_START);
    const check = checkTimeline(data.clients, T0, timeline, acc);
    expect(check).toMatchObject({
      timeline: { scheduled: 52, completed: 50, skipped: 2 },
      beforeStart: { scheduled: 21, completed: 21, skipped: 0 },
      unread: { scheduled: 5, completed: 5, skipped: 0 },
      reconciles: false,
    });
    expect(check.check).toBe(
      "the timeline (scheduled 52, completed 50, skipped 2) leaves out A's start-up before load start (scheduled 21, completed 21, skipped 0)" +
        ' and calls the accounting counts in no second the collector read (scheduled 5, completed 5, skipped 0); with them it adds up to the accounting',
    );
    expect(check.check).not.toContain('\n');
    // The three parts add up to the accounting exactly.
    for (const k of ['scheduled', 'completed', 'skipped'] as const) expect(check.timeline[k] + check.beforeStart[k] + check.unread[k]).toBe(acc[k]);
  });
});

describe('the run result carries all of it', () => {
  it('scheduleLag, trusted, each process\'s accounting and the timeline check, from load start', () => {
    const data = runData({
      tEnd: T0 + 12_000,
      marks: { warm: T0, measure: T0 + 2000 },
      clients: [client('a-1', [...seconds(-2, 2, 100, STARVED), ...seconds(0, 12, 100, GOOD)]), client('a-2', seconds(0, 12, 100, STARVED))],
    });
    const variant = round3.variants.find((v) => v.name === 'headless')!;
    const result = buildResult({
      round: round3,
      variant,
      platform: { name: 'local', info: LOCAL_TRAITS },
      cluster: { provider: 'local', serverVersion: null, context: null },
      seed: 1,
      data,
      pods: [],
      began: 0,
    });
    expect(result.trusted).toBe(false);
    expect(result.scheduleLag.behind).toBe(true);
    expect(result.accounting.processes.map((p) => [p.pod, p.scheduled, p.lagMs.p99 !== null && p.lagMs.p99 > SCHEDULE_LAG_BOUND_MS])).toEqual([
      ['a-1', 1400, false],
      ['a-2', 1200, true],
    ]);
    expect(result.timelineCheck.beforeStart.scheduled).toBe(200);
    expect(result.timeline.reduce((n, t) => n + t.scheduled, 0)).toBe(2400);
    expect(result.timelineCheck.check).toContain("leaves out A's start-up before load start (scheduled 200");
    // What the JSON report holds is the result itself: the new fields survive it.
    expect(JSON.parse(JSON.stringify(result))).toMatchObject({ trusted: false, accounting: { processes: [{ pod: 'a-1' }, { pod: 'a-2' }] } });
  });
});
