// What one run leaves behind for the figures: every A process's closed buckets and last totals,
// every B process's cumulative counts over time, every pod the platform listed, and the events.
// Collected once, read many times (live every second, then once per window at the end).
import type { LabEvent } from '../model/events.js';
import type { PodInfo } from '../model/k8s.js';
import type { BackendStats, StatsBucket, StatsResponse } from '../../services/shared/stats-schema.js';

/** One A process: a pod name and a bootId (a restarted container is a new process, same name). */
export interface ClientSeries {
  pod: string;
  deployment: string;
  bootId: string;
  /** Seq of the last bucket received: the next poll asks for `after=cursor`. */
  cursor: number;
  buckets: StatsBucket[];
  /** The last /stats answer: its totals are the accounting of this process. */
  last: StatsResponse;
}

export interface BackendSample {
  /** When the collector read it (Unix ms). */
  t: number;
  received: number;
  shed: number;
  /** From B's /metrics, when the collector reads it (round 5): CPU seconds, bytes on its sockets. */
  cpuSeconds?: number | null;
  wireBytes?: number | null;
}

/** One B process: cumulative counts, sampled at every poll. */
export interface BackendSeries {
  pod: string;
  deployment: string;
  bootId: string;
  startedAt: number;
  samples: BackendSample[];
  last: BackendStats;
}

export interface PodRecord {
  name: string;
  deployment: string;
  app: string;
  createdAt: number;
  /** Set when a pod that was listed is listed no more. */
  vanishedAt?: number;
  last: PodInfo;
}

export interface RunData {
  /** Start of the run: everything up, the timeline about to begin (Unix ms). */
  t0: number;
  /** End of the timeline (Unix ms). */
  tEnd: number;
  backend: string;
  clients: ClientSeries[];
  backends: BackendSeries[];
  pods: PodRecord[];
  /** Platform events and the runner's step events, in time order. */
  events: LabEvent[];
  /** Step marks by name (Unix ms). */
  marks: Record<string, number>;
}

/** A time range in Unix ms, [from, to). */
export interface TimeRange {
  from: number;
  to: number;
}

/** Whether a second (a bucket starting at t) belongs to the range: its middle does. Every figure counts seconds this way. */
export function secondIn(bucket: { t: number }, range: TimeRange): boolean {
  const mid = bucket.t + 500;
  return mid >= range.from && mid < range.to;
}
