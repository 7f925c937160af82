// The numbers a verdict can read, each with its unit and what it means. Specs name a metric; only
// this table knows how it is read from the figures, and which events it needs a platform to see.
import type { EventType } from '../model/events.js';
import type { Figures } from '../model/figures.js';
import type { MetricName, Unit } from '../model/metrics.js';
import type { Accounting } from '../model/result.js';

/** Run-wide facts some metrics read besides the window's figures. */
export interface RunFacts {
  accounting: Accounting;
  /** Round 5: the measured table (row -> figure -> value). */
  table?: Record<string, Record<string, number | null>>;
}

export interface MetricDef {
  unit: Unit;
  describe: string;
  read: (f: Figures, run: RunFacts) => number | null;
  /** Events the figure is counted from: on a platform that cannot observe them it is not measured. */
  needs?: readonly EventType[];
}

const cls = (name: string) => (f: Figures) => f.errorClasses[name] ?? 0;

const newPodValues = (f: Figures): Array<number | null> => Object.values(f.newPods);

export const METRICS: Record<MetricName, MetricDef> = {
  calls: { unit: 'count', describe: 'calls A completed', read: (f) => f.calls },
  ok: { unit: 'count', describe: 'calls that ended OK', read: (f) => f.ok },
  errors: { unit: 'count', describe: 'calls that did not end OK', read: (f) => f.errors },
  errorRate: { unit: 'ratio', describe: 'share of calls that did not end OK', read: (f) => f.errorRate },
  unavailableRate: { unit: 'ratio', describe: 'share of calls that ended UNAVAILABLE', read: (f) => f.unavailableRate },
  dropped: { unit: 'count', describe: 'calls cut by a dropped connection (UNAVAILABLE "Connection dropped")', read: cls('dropped') },
  refused: { unit: 'count', describe: 'calls whose connection was refused (UNAVAILABLE, ECONNREFUSED)', read: cls('refused') },
  cancelled: { unit: 'count', describe: 'calls cancelled by the server (CANCELLED)', read: cls('cancelled') },
  deadline: { unit: 'count', describe: 'calls past their deadline (DEADLINE_EXCEEDED)', read: cls('deadline') },
  shed: { unit: 'count', describe: 'calls B refused for lack of capacity', read: cls('shed') },
  killedInFlight: {
    unit: 'count',
    describe: 'calls killed while in flight (dropped or cancelled)',
    read: (f) => (f.errorClasses.dropped ?? 0) + (f.errorClasses.cancelled ?? 0),
  },
  podsTotal: { unit: 'pods', describe: 'backend pods that existed in the window', read: (f) => f.podsTotal },
  podsWithTraffic: { unit: 'pods', describe: 'backend pods that served at least one OK call', read: (f) => f.podsWithTraffic },
  podsWithoutTraffic: { unit: 'pods', describe: 'backend pods that existed and served nothing', read: (f) => f.podsTotal - f.podsWithTraffic },
  maxMeanShare: { unit: 'x', describe: 'busiest pod share over the mean share (1 = even)', read: (f) => f.maxMeanShare },
  podsPerSecondMedian: { unit: 'pods', describe: 'pods serving in a typical second', read: (f) => f.podsPerSecond.median },
  p50Ms: { unit: 'ms', describe: 'median latency', read: (f) => f.latencyMs.p50 },
  p99Ms: { unit: 'ms', describe: '99th percentile latency', read: (f) => f.latencyMs.p99 },
  maxMs: { unit: 'ms', describe: 'slowest call', read: (f) => f.latencyMs.max },
  newPodsTotal: { unit: 'pods', describe: 'backend pods created during the run', read: (f) => Object.keys(f.newPods).length },
  newPodsIdle: { unit: 'pods', describe: 'pods created during the run that served no call in the window', read: (f) => f.newPodsIdle },
  newPodsShare: { unit: 'ratio', describe: 'share of OK calls served by pods created during the run', read: (f) => f.newPodsShare },
  newPodsSlowestFirstCallS: {
    unit: 's',
    describe: 'seconds until the slowest new pod served its first call (none if one never did)',
    read: (f) => {
      const v = newPodValues(f);
      return v.length === 0 || v.includes(null) ? null : Math.max(...(v as number[]));
    },
  },
  servedByB: { unit: 'count', describe: 'attempts backend pods received (retries included)', read: (f) => f.servedByB },
  amplification: { unit: 'x', describe: 'attempts B received per call A completed', read: (f) => f.attemptsPerCall },
  shedByB: { unit: 'count', describe: 'attempts B refused for lack of capacity', read: (f) => f.shedByB },
  errorsPerShed: {
    unit: 'x',
    describe: 'errors A saw per attempt B refused',
    read: (f) => (f.shedByB ? Math.round((f.errors / f.shedByB) * 1000) / 1000 : null),
  },
  readinessFailures: {
    unit: 'count',
    describe: 'failed readiness probes of pods not being deleted',
    read: (f) => f.readinessFailures,
    needs: ['pod-not-ready', 'pod-deleted'],
  },
  skipped: { unit: 'count', describe: 'calls A could not start (its in-flight limit)', read: (f) => f.skipped },
  accountingHolds: { unit: 'count', describe: 'accounting check (1 = holds)', read: (_f, run) => (run.accounting.holds ? 1 : 0) },
  unmeasuredFigures: {
    unit: 'count',
    describe: 'cells of the measured table that hold no measurement',
    read: (_f, run) => (run.table ? Object.values(run.table).flatMap((row) => Object.values(row)).filter((v) => v === null || !Number.isFinite(v)).length : null),
  },
};

export function metric(name: MetricName): MetricDef {
  return METRICS[name];
}
