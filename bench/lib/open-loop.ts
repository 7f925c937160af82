// One open-loop run of service A at a fixed rate, read back from A's own /stats and checked
// against the seeded schedule A draws its arrivals from (so Poisson noise is not mistaken for
// generator error) and against what the B pods say they served.
import type { BackendStats, StatsBucket, StatsResponse } from '../../services/shared/stats-schema.js';
import { PoissonSchedule } from '../../services/a/schedule.js';
import { median, round } from './numbers.js';
import { BenchError, getJson, sleep, startA } from './processes.js';

export interface OpenLoopSpec {
  /** A's pod address (its /stats listens on ip:9090). */
  ip: string;
  /** A's TARGET and LB_POLICY. */
  target: string;
  lbPolicy: 'pick_first' | 'round_robin';
  rate: number;
  /** Seconds discarded at the start (connection set-up, JIT warm-up). */
  warmupS: number;
  /** Whole seconds measured after the warm-up. */
  seconds: number;
  /** B pods' /stats URLs, to cross-check A's OK count against what B served. */
  backendStats: string[];
  nodeArgs?: string[];
}

export interface Accounting {
  /** A's own check: scheduled = completed + inFlight + skipped, buckets add up to the totals. */
  accountingOk: boolean;
  scheduled: number;
  completed: number;
  inFlight: number;
  skipped: number;
  /** Sum of every bucket's `scheduled`, computed here from the buckets A served. */
  bucketScheduled: number;
  aOk: number;
  /** OK answers the B pods counted during the run. */
  bServedOk: number;
  /** All of the above hold, and nothing is left in flight after the drain. */
  holds: boolean;
}

export interface OpenLoopResult {
  rate: number;
  seconds: number;
  /** Arrivals per second the seeded schedule placed in the measured seconds. */
  scheduleRate: number;
  /** Calls started per second in the measured seconds. */
  startedRate: number;
  completedRate: number;
  /** startedRate / scheduleRate: the generator's own fidelity. */
  startedVsSchedule: number;
  /** startedRate / rate: includes the Poisson noise of a finite run (about 1/sqrt(calls)). */
  startedVsRequested: number;
  /** Per-second lag p99: the median second and the worst second. The worst second bounds the
   *  run's own p99 from above (no more than 1% of any second's calls lag more than it). */
  lagP99MedianMs: number;
  lagP99WorstMs: number;
  lagMaxMs: number;
  skipped: number;
  errors: number;
  firstErrorCode?: string;
  accounting: Accounting;
}

/** Starts A, measures `seconds` full wall-clock seconds after the warm-up, drains it, reads /stats. */
export async function runOpenLoop(spec: OpenLoopSpec, name = `a-rate-${spec.rate}`): Promise<OpenLoopResult> {
  const bBefore = await servedOk(spec.backendStats);
  const { a, started } = await startA(
    name,
    spec.ip,
    {
      TARGET: spec.target,
      LB_POLICY: spec.lbPolicy,
      RATE: String(spec.rate),
      // A's default cap (1000 calls in flight, 1,000x what zero-work calls need at 5,000/s): an A
      // that falls behind skips calls, which fails the run, instead of piling up calls until the
      // process spends all its time on them.
      MAX_IN_FLIGHT: '1000',
      DEADLINE_MS: '5000',
      SEED: '7',
    },
    spec.nodeArgs,
  );
  try {
    const startedAt = Number(started.startedAtMs);
    const firstSecond = Math.ceil((startedAt + spec.warmupS * 1000) / 1000) * 1000;
    const endSecond = firstSecond + spec.seconds * 1000;
    await sleep(endSecond - Date.now() + 20);
    a.proc.kill('SIGTERM');
    // A waits for its calls in flight (DEADLINE_MS bounds it); on a busy machine that takes a while.
    await a.waitForLog('drained', 30_000);
    const stats = await getJson<StatsResponse>(`http://${spec.ip}:9090/stats?after=0`);
    const bAfter = await servedOk(spec.backendStats);
    return summarise(spec, stats, Number(started.seed), startedAt, firstSecond, endSecond, bAfter - bBefore);
  } finally {
    // A exits by itself after its stats linger; SIGKILL only if it does not.
    await a.stop('SIGTERM', 6000);
  }
}

function summarise(spec: OpenLoopSpec, stats: StatsResponse, seed: number, startedAt: number, from: number, to: number, bServedOk: number): OpenLoopResult {
  const window = stats.buckets.filter((b) => b.t >= from && b.t < to);
  if (window.length !== spec.seconds) {
    throw new BenchError(`A at ${spec.rate}/s closed ${window.length} buckets in the measured window, expected ${spec.seconds}`);
  }
  const sum = (f: (b: StatsBucket) => number): number => window.reduce((s, b) => s + f(b), 0);
  const started = sum((b) => b.scheduled - b.skipped);
  const completed = sum((b) => b.completed);
  const errors = sum((b) => b.completed - (b.byCode.OK ?? 0));
  const scheduleCount = arrivalsBetween(spec.rate, seed, from - startedAt, to - startedAt);
  const lagP99s = window.map((b) => b.lagP99Ms);
  const t = stats.totals;
  const accounting: Accounting = {
    accountingOk: stats.accountingOk,
    scheduled: t.scheduled,
    completed: t.completed,
    inFlight: t.inFlight,
    skipped: t.skipped,
    bucketScheduled: stats.buckets.reduce((s, b) => s + b.scheduled, 0),
    aOk: t.ok,
    bServedOk,
    holds: false,
  };
  accounting.holds =
    stats.accountingOk &&
    t.scheduled === t.completed + t.inFlight + t.skipped &&
    t.inFlight === 0 &&
    accounting.bucketScheduled === t.scheduled &&
    (spec.backendStats.length === 0 || bServedOk === t.ok);
  return {
    rate: spec.rate,
    seconds: spec.seconds,
    scheduleRate: scheduleCount / spec.seconds,
    startedRate: started / spec.seconds,
    completedRate: completed / spec.seconds,
    startedVsSchedule: scheduleCount > 0 ? started / scheduleCount : 1,
    startedVsRequested: started / (spec.rate * spec.seconds),
    lagP99MedianMs: round(median(lagP99s), 3),
    lagP99WorstMs: round(Math.max(...lagP99s), 3),
    lagMaxMs: round(Math.max(...window.map((b) => b.lagMaxMs)), 3),
    skipped: sum((b) => b.skipped),
    errors,
    firstErrorCode: Object.keys(t.byCode).find((c) => c !== 'OK'),
    accounting,
  };
}

/** Arrivals A's schedule places at offsets in [fromMs, toMs) from its start: A draws its schedule
 *  from the same seeded generator, so this is the exact count it was asked to start. */
export function arrivalsBetween(rate: number, seed: number, fromMs: number, toMs: number): number {
  const schedule = new PoissonSchedule(rate, seed);
  let n = 0;
  for (; schedule.next < toMs; schedule.advance()) if (schedule.next >= fromMs) n++;
  return n;
}

async function servedOk(urls: string[]): Promise<number> {
  const all = await Promise.all(urls.map((u) => getJson<BackendStats>(u)));
  return all.reduce((s, b) => s + (b.servedByCode.OK ?? 0), 0);
}

/**
 * Whether A kept up: lag p99 under the bound in the typical (median) measured second, nothing
 * skipped, nothing failed, and at least 99% of the schedule started in the window. The typical
 * second, not the worst: on a shared machine one second in which the OS did not run A for a few
 * milliseconds says more about the neighbours than about A (the worst second is reported too).
 */
export function sustained(r: OpenLoopResult, lagBoundMs: number): boolean {
  return r.lagP99MedianMs < lagBoundMs && r.skipped === 0 && r.errors === 0 && r.startedVsSchedule >= 0.99;
}
