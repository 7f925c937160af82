// Synthetic runs for the measurement tests: A buckets, B samples and pods built from a few numbers,
// so each test states exactly what happened and what the figures must say.
import type { StatsBucket, StatsResponse } from '../../services/shared/stats-schema.js';
import type { BackendSeries, ClientSeries, PodRecord, RunData } from '../../scripts/measure/run-data.js';
import type { LabEvent } from '../../scripts/model/events.js';
import type { PodInfo } from '../../scripts/model/k8s.js';
import { encodeLatencies } from '../../scripts/measure/histogram.js';

export const T0 = 1_700_000_000_000;

export interface SecondSpec {
  /** Seconds after T0. */
  s: number;
  ok?: Record<string, number>;
  codes?: Record<string, number>;
  classes?: Record<string, number>;
  latenciesMs?: number[];
  /** How late each call of this second started against A's schedule, ms. */
  lagMs?: number[];
  skipped?: number;
}

export function bucket(seq: number, spec: SecondSpec): StatsBucket {
  const okTotal = Object.values(spec.ok ?? {}).reduce((a, b) => a + b, 0);
  const byCode: Record<string, number> = { ...(okTotal ? { OK: okTotal } : {}), ...spec.codes };
  const completed = Object.values(byCode).reduce((a, b) => a + b, 0);
  return {
    seq,
    t: T0 + spec.s * 1000,
    scheduled: completed + (spec.skipped ?? 0),
    skipped: spec.skipped ?? 0,
    completed,
    byCode,
    errorClasses: spec.classes ?? {},
    perPod: spec.ok ?? {},
    latencyHistogram: encodeLatencies((spec.latenciesMs ?? []).map((ms) => ms * 1000)),
    lagP99Ms: 0,
    lagMaxMs: Math.max(0, ...(spec.lagMs ?? [])),
    lagHistogram: encodeLatencies((spec.lagMs ?? []).map((ms) => ms * 1000)),
    inFlight: 0,
  };
}

export function response(pod: string, bootId: string, buckets: StatsBucket[], inFlight = 0): StatsResponse {
  const sum = (f: (b: StatsBucket) => number): number => buckets.reduce((a, b) => a + f(b), 0);
  const completed = sum((b) => b.completed);
  const skipped = sum((b) => b.skipped);
  return {
    service: 'a',
    pod,
    bootId,
    startedAt: T0,
    cursor: buckets.length ? buckets[buckets.length - 1].seq : 0,
    buckets,
    totals: {
      scheduled: completed + skipped + inFlight,
      completed,
      inFlight,
      skipped,
      ok: sum((b) => b.byCode.OK ?? 0),
      byCode: {},
      errorClasses: {},
      perPod: {},
    },
    accountingOk: true,
    stopping: false,
  };
}

export function client(pod: string, seconds: SecondSpec[], deployment = 'service-a'): ClientSeries {
  const buckets = seconds.map((s, i) => bucket(i + 1, s));
  return { pod, deployment, bootId: `${pod}-boot`, cursor: buckets.length, buckets, last: response(pod, `${pod}-boot`, buckets) };
}

export function podRecord(name: string, createdS: number, opts: { vanishedS?: number; deployment?: string } = {}): PodRecord {
  const deployment = opts.deployment ?? 'service-b';
  const info: PodInfo = { name, deployment, app: deployment, ip: '127.0.0.1', phase: 'Running', ready: true, createdAt: T0 + createdS * 1000, restarts: 0 };
  return {
    name,
    deployment,
    app: deployment,
    createdAt: info.createdAt,
    ...(opts.vanishedS === undefined ? {} : { vanishedAt: T0 + opts.vanishedS * 1000 }),
    last: info,
  };
}

export function backend(pod: string, samples: Array<[number, number, number?]>, startedS = -10): BackendSeries {
  const series = samples.map(([s, received, shed]) => ({ t: T0 + s * 1000, received, shed: shed ?? 0 }));
  return {
    pod,
    deployment: 'service-b',
    bootId: `${pod}-boot`,
    startedAt: T0 + startedS * 1000,
    samples: series,
    last: { service: 'b', pod, bootId: `${pod}-boot`, startedAt: T0 + startedS * 1000, servedByCode: {}, received: series[series.length - 1]?.received ?? 0, inFlight: 0, shed: 0, openConnections: 0, draining: false },
  };
}

export function runData(parts: Partial<RunData>): RunData {
  return { t0: T0, tEnd: T0 + 60_000, backend: 'service-b', clients: [], backends: [], pods: [], events: [] as LabEvent[], marks: {}, ...parts };
}

export const range = (fromS: number, toS: number) => ({ from: T0 + fromS * 1000, to: T0 + toS * 1000 });
