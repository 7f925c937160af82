// The JSON that services A and B serve on GET /stats: the contract between the services and the
// lab's collector (scripts/measure). It lives in shared/ because both services and the collector
// read it, and neither service may import the other: change all three together.
//
// A closes one bucket per wall-clock second. GET /stats?after=SEQ returns the closed buckets whose
// seq is greater than SEQ, so a poller that remembers the last seq it saw never counts twice.
// `bootId` changes when the process restarts (seq starts again from 1): a poller that sees a new
// bootId for the same pod starts its cursor again from 0.

/** Short classes of failure, derived from the status code and the error details. */
export const ERROR_CLASSES = ['dropped', 'refused', 'cancelled', 'deadline', 'shed', 'other'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export interface StatsBucket {
  /** 1, 2, 3 ... per process start. */
  seq: number;
  /** Start of the second this bucket covers, Unix ms (a multiple of 1000). */
  t: number;
  /** Calls the schedule placed in this second (started + skipped). */
  scheduled: number;
  /** Scheduled calls not started because MAX_IN_FLIGHT was reached. */
  skipped: number;
  /** Calls that ended in this second, whatever their outcome. */
  completed: number;
  /** Completed calls by gRPC status name (OK, UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED, ...). */
  byCode: Record<string, number>;
  /** Failed calls by short error class. */
  errorClasses: Partial<Record<ErrorClass, number>>;
  /** OK calls by the B pod that served them (its POD_NAME). */
  perPod: Record<string, number>;
  /** Latency of the calls completed in this second (all outcomes), microseconds, as an
   *  hdr-histogram-js compressed base64 histogram; empty string when no call completed. */
  latencyHistogram: string;
  /** How far behind its own schedule the generator started calls in this second, ms. */
  lagP99Ms: number;
  lagMaxMs: number;
  /** The schedule lag of every call placed in this second (started or skipped), microseconds, as
   *  a compressed histogram like latencyHistogram, so a run's lag percentiles come from the calls
   *  themselves, not from per-second summaries; empty string when no call was placed. */
  lagHistogram: string;
  /** In flight at the end of the second. */
  inFlight: number;
}

export interface StatsTotals {
  scheduled: number;
  completed: number;
  inFlight: number;
  skipped: number;
  ok: number;
  byCode: Record<string, number>;
  errorClasses: Partial<Record<ErrorClass, number>>;
  perPod: Record<string, number>;
}

export interface StatsResponse {
  service: 'a';
  pod: string;
  bootId: string;
  /** Unix ms when this process started. */
  startedAt: number;
  /** Seq of the last closed bucket (0 when none yet). */
  cursor: number;
  buckets: StatsBucket[];
  totals: StatsTotals;
  /** scheduled === completed + inFlight + skipped, checked when the response was built. */
  accountingOk: boolean;
  /** True once SIGTERM was received: no more calls are scheduled. */
  stopping: boolean;
}

/** What service B serves on GET /stats (METRICS_PORT): cumulative counts since its start. */
export interface BackendStats {
  service: 'b';
  pod: string;
  bootId: string;
  startedAt: number;
  /** Calls B received over gRPC and REST, by the status it answered with (shed ones included). */
  servedByCode: Record<string, number>;
  /** All calls received (sum of servedByCode plus those still in flight). */
  received: number;
  inFlight: number;
  shed: number;
  openConnections: number;
  draining: boolean;
}
