// Every figure of a report, computed from the collected run over one window. A bucket belongs to a
// window when the middle of its second does; pods count when they existed during the window.
import type { LabEvent } from '../model/events.js';
import type { Figures } from '../model/figures.js';
import type { Accounting, ProcessAccounting, TimelineSecond } from '../model/result.js';
import type { StatsBucket } from '../../services/shared/stats-schema.js';
import { summarise } from './histogram.js';
import { secondIn, type BackendSample, type ClientSeries, type RunData, type TimeRange } from './run-data.js';
import { lagOf } from './schedule-lag.js';

export interface FigureFilter {
  /** Only A processes of these deployments (round 5 reads each protocol's own client). */
  clients?: string[];
}


function add(into: Record<string, number>, from: Record<string, number | undefined>): void {
  for (const [k, v] of Object.entries(from)) if (v) into[k] = (into[k] ?? 0) + v;
}

function windowBuckets(data: RunData, range: TimeRange, filter: FigureFilter): StatsBucket[] {
  const series = data.clients.filter((s) => filter.clients === undefined || filter.clients.includes(s.deployment));
  return series.flatMap((s) => s.buckets.filter((b) => secondIn(b, range)));
}

export interface PodLife {
  name: string;
  createdAt: number;
  goneAt: number | null;
}

/** Backend pods with their lifetimes, from the platform's listings and its events together. */
export function backendPods(data: RunData): PodLife[] {
  const lives = new Map<string, PodLife>();
  for (const rec of data.pods.filter((p) => p.deployment === data.backend)) {
    lives.set(rec.name, { name: rec.name, createdAt: rec.createdAt, goneAt: rec.vanishedAt ?? null });
  }
  for (const e of data.events) {
    if (e.pod === undefined || (e.deployment !== undefined && e.deployment !== data.backend)) continue;
    const life = lives.get(e.pod);
    if (e.type === 'pod-created' && e.deployment === data.backend && life === undefined) {
      lives.set(e.pod, { name: e.pod, createdAt: e.t, goneAt: null });
    } else if (e.type === 'pod-exited' && life !== undefined) {
      life.goneAt = Math.min(life.goneAt ?? Infinity, e.t);
    }
  }
  return [...lives.values()];
}

function existedDuring(p: PodLife, range: TimeRange): boolean {
  return p.createdAt < range.to && (p.goneAt === null || p.goneAt > range.from);
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The counter's value at time t: interpolated between the samples around it. */
function valueAt(read: Array<{ t: number; v: number }>, startedAt: number, t: number): number {
  const after = read.findIndex((s) => s.t >= t);
  if (after === 0) return startedAt >= t ? 0 : read[0].v;
  if (after === -1) return read[read.length - 1].v;
  const a = read[after - 1];
  const b = read[after];
  return a.v + ((b.v - a.v) * (t - a.t)) / (b.t - a.t);
}

/**
 * How much a cumulative counter of one backend process grew in the range, interpolated at both
 * ends, so that it covers the same span as the A seconds the range holds. Null when the counter
 * was never read.
 */
export function growthIn(
  samples: BackendSample[],
  field: 'received' | 'shed' | 'cpuSeconds' | 'wireBytes',
  startedAt: number,
  range: TimeRange,
): number | null {
  const read = samples.filter((s) => typeof s[field] === 'number').map((s) => ({ t: s.t, v: s[field] as number }));
  if (read.length === 0) return null;
  return Math.max(0, valueAt(read, startedAt, range.to) - valueAt(read, startedAt, range.from));
}

/** The span of the whole A seconds a range holds (a second belongs where its middle lies). */
export function secondsSpan(range: TimeRange): TimeRange {
  const first = Math.ceil((range.from - 500) / 1000) * 1000;
  const end = Math.ceil((range.to - 500) / 1000) * 1000;
  return { from: first, to: Math.max(first, end) };
}

/**
 * A pod serves in a second when it answered at least this share of that second's calls. When a
 * connection moves (a GOAWAY, a reconnect), the calls still in flight on the old one finish in the
 * next second: a handful (1-5% of the second's calls on the lab's node, 3 to 15 calls) that would
 * otherwise count the old pod as serving beside the new one. Ten pods sharing the load evenly sit
 * at the line, so about half of them count: still well above the 2 that pinned variants are held to.
 */
const SERVING_SHARE = 0.1;

/** Per second (over every A process), how many pods served it. */
function perSecondPods(buckets: StatsBucket[]): number[] {
  const seconds = new Map<number, Map<string, number>>();
  for (const b of buckets) {
    const served = seconds.get(b.t) ?? new Map<string, number>();
    for (const [pod, n] of Object.entries(b.perPod)) served.set(pod, (served.get(pod) ?? 0) + n);
    seconds.set(b.t, served);
  }
  return [...seconds.values()].map((served) => {
    const counts = [...served.values()];
    const total = counts.reduce((s, n) => s + n, 0);
    return counts.filter((n) => n > 0 && n >= SERVING_SHARE * total).length;
  });
}

/** First second each pod served an OK call in (Unix ms of the second's end), over the whole run. */
function firstServed(clients: ClientSeries[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const s of clients) {
    for (const b of s.buckets) {
      for (const [pod, n] of Object.entries(b.perPod)) {
        if (n > 0 && b.t + 1000 < (first.get(pod) ?? Infinity)) first.set(pod, b.t + 1000);
      }
    }
  }
  return first;
}

function readinessFailures(events: LabEvent[], backend: string, range: TimeRange): number {
  const deleted = new Set<string>();
  let failures = 0;
  for (const e of events) {
    if (e.pod === undefined || e.deployment !== backend) continue;
    if (e.type === 'pod-deleted' || e.type === 'sigterm-sent' || e.type === 'pod-exited') deleted.add(e.pod);
    if (e.type === 'pod-not-ready' && !deleted.has(e.pod) && e.t >= range.from && e.t < range.to) failures++;
  }
  return failures;
}

export function computeFigures(data: RunData, range: TimeRange, filter: FigureFilter = {}): Figures {
  const buckets = windowBuckets(data, range, filter);
  const byCode: Record<string, number> = {};
  const errorClasses: Record<string, number> = {};
  const perPod: Record<string, number> = {};
  let scheduled = 0;
  let skipped = 0;
  let calls = 0;
  let lagMaxMs = 0;
  for (const b of buckets) {
    scheduled += b.scheduled;
    skipped += b.skipped;
    calls += b.completed;
    lagMaxMs = Math.max(lagMaxMs, b.lagMaxMs);
    add(byCode, b.byCode);
    add(errorClasses, b.errorClasses);
    add(perPod, b.perPod);
  }
  const ok = byCode.OK ?? 0;
  const pods = backendPods(data).filter((p) => existedDuring(p, range));
  for (const name of Object.keys(perPod)) if (!pods.some((p) => p.name === name)) pods.push({ name, createdAt: range.from, goneAt: null });
  const podsWithTraffic = pods.filter((p) => (perPod[p.name] ?? 0) > 0).length;
  const maxShare = Math.max(0, ...pods.map((p) => perPod[p.name] ?? 0));
  const first = firstServed(data.clients);
  const created = pods.filter((p) => p.createdAt >= data.t0);
  const newPods = Object.fromEntries(
    created.map((p) => {
      const t = first.get(p.name);
      return [p.name, t === undefined ? null : round(Math.max(0, t - p.createdAt) / 1000, 1)];
    }),
  );
  const newOk = created.reduce((s, p) => s + (perPod[p.name] ?? 0), 0);
  const perSecond = perSecondPods(buckets);
  const latency = summarise(buckets.map((b) => b.latencyHistogram));
  const seconds = Math.max(0, (range.to - range.from) / 1000);
  // B's counters are read over the same whole seconds as A's buckets, not the raw range.
  const span = secondsSpan(range);
  const servedByB = Math.round(data.backends.reduce((s, b) => s + (growthIn(b.samples, 'received', b.startedAt, span) ?? 0), 0));
  return {
    seconds: round(seconds, 1),
    scheduled,
    skipped,
    calls,
    ok,
    errors: calls - ok,
    byCode,
    errorClasses,
    unavailableRate: calls ? round((byCode.UNAVAILABLE ?? 0) / calls, 6) : null,
    errorRate: calls ? round((calls - ok) / calls, 6) : null,
    throughput: seconds > 0 && buckets.length ? round(ok / new Set(buckets.map((b) => b.t)).size, 1) : null,
    perPod,
    podsTotal: pods.length,
    podsWithTraffic,
    maxMeanShare: ok > 0 && pods.length > 0 ? round(maxShare / (ok / pods.length), 3) : null,
    latencyMs: { p50: latency.p50, p99: latency.p99, max: latency.max },
    newPods,
    newPodsIdle: created.filter((p) => (perPod[p.name] ?? 0) === 0).length,
    newPodsShare: created.length === 0 || ok === 0 ? null : round(newOk / ok, 6),
    podsPerSecond: { median: median(perSecond), max: perSecond.length ? Math.max(...perSecond) : null },
    servedByB,
    attemptsPerCall: calls ? round(servedByB / calls, 3) : null,
    shedByB: Math.round(data.backends.reduce((s, b) => s + (growthIn(b.samples, 'shed', b.startedAt, span) ?? 0), 0)),
    readinessFailures: readinessFailures(data.events, data.backend, range),
    lagMaxMs,
  };
}

/**
 * scheduled = completed + in flight + skipped, for every A process (its last /stats) and in sum;
 * each process's books and its schedule lag over `lagRange` (default: its whole life).
 */
export function computeAccounting(clients: ClientSeries[], lagRange: TimeRange = { from: -Infinity, to: Infinity }): Accounting {
  const sum = { scheduled: 0, completed: 0, inFlight: 0, skipped: 0, ok: 0 };
  const broken: string[] = [];
  const processes: ProcessAccounting[] = [];
  for (const s of clients) {
    const t = s.last.totals;
    sum.scheduled += t.scheduled;
    sum.completed += t.completed;
    sum.inFlight += t.inFlight;
    sum.skipped += t.skipped;
    sum.ok += t.ok;
    const holds = t.scheduled === t.completed + t.inFlight + t.skipped && s.last.accountingOk;
    if (!holds) broken.push(s.pod);
    processes.push({
      pod: s.pod,
      deployment: s.deployment,
      scheduled: t.scheduled,
      completed: t.completed,
      inFlight: t.inFlight,
      skipped: t.skipped,
      ok: t.ok,
      holds,
      lagMs: lagOf(s.buckets.filter((b) => secondIn(b, lagRange))),
    });
  }
  const holds = clients.length > 0 && broken.length === 0 && sum.scheduled === sum.completed + sum.inFlight + sum.skipped;
  const n = (x: number): string => x.toLocaleString('en-US');
  const counted = `${clients.length} A process${clients.length === 1 ? '' : 'es'}`;
  const check =
    clients.length === 0
      ? 'no A process answered /stats: nothing to account for, so nothing is proven'
      : `scheduled ${n(sum.scheduled)} = completed ${n(sum.completed)} + in flight ${n(sum.inFlight)} + skipped ${n(sum.skipped)} ` +
        `over ${counted}: ${holds ? 'holds, every call accounted for' : `DOES NOT HOLD for ${broken.join(', ') || 'the sum'}`}`;
  return { ...sum, holds, check, processes };
}

/** The merged per-second timeline (all A processes summed), seconds relative to the run's start. */
export function computeTimeline(data: RunData, range: TimeRange): TimelineSecond[] {
  const seconds = new Map<number, StatsBucket[]>();
  for (const s of data.clients) {
    for (const b of s.buckets) {
      if (!secondIn(b, range)) continue;
      const list = seconds.get(b.t) ?? [];
      list.push(b);
      seconds.set(b.t, list);
    }
  }
  return [...seconds.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, bs]) => {
      const byCode: Record<string, number> = {};
      const perPod: Record<string, number> = {};
      for (const b of bs) {
        add(byCode, b.byCode);
        add(perPod, b.perPod);
      }
      return {
        s: Math.round((t - data.t0) / 1000),
        scheduled: bs.reduce((x, b) => x + b.scheduled, 0),
        completed: bs.reduce((x, b) => x + b.completed, 0),
        skipped: bs.reduce((x, b) => x + b.skipped, 0),
        byCode,
        perPod,
        p99Ms: summarise(bs.map((b) => b.latencyHistogram)).p99,
        lagP99Ms: lagOf(bs).p99,
      };
    });
}
