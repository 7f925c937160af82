// The result of one variant run: what reports/<round>-<variant>.json holds, what the terminal,
// JUnit and HTML reporters read, and what the README documents. Change them together.
import type { LabEvent } from './events.js';
import type { Figures } from './figures.js';
import type { PodInfo } from './k8s.js';
import type { Unit } from './metrics.js';
import type { ClusterInfo } from './traits.js';

export interface VerdictResult {
  name: string;
  /** The sentence a trainer would say: what this verdict proves. */
  explanation: string;
  /** Human-readable threshold, e.g. ">= 1%" or "== 0". */
  expected: string;
  /** The measured value, as a number where the verdict is numeric. */
  measured: number | string | null;
  /** What `measured` counts, so every reporter formats it the same way (absent in older reports). */
  unit?: Unit;
  pass: boolean;
}

/** How late A started calls against its own schedule, ms (null: no call placed, or not reported). */
export interface LagFigures {
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** The counts every set of books keeps: one A process's, or all of them summed. */
export interface Books extends CallCounts {
  inFlight: number;
  ok: number;
}

/** One A process's books, from its last /stats (a restarted container is a new process). */
export interface ProcessAccounting extends Books {
  pod: string;
  deployment: string;
  /** scheduled === completed + inFlight + skipped, and A's own check agreed. */
  holds: boolean;
  /** Its schedule lag from load start to the end of the run. */
  lagMs: LagFigures;
}

export interface Accounting extends Books {
  /** scheduled === completed + inFlight + skipped for every A pod and in total. */
  holds: boolean;
  /** One sentence, printed by every reporter. */
  check: string;
  /** The same books for each A process, in the order the collector first read them. */
  processes: ProcessAccounting[];
}

/**
 * Whether the load generator kept its own schedule, over every A process from load start to the
 * end: when it fell behind, calls started late and the figures describe A's machine, not the
 * system under test, whatever the verdicts say.
 */
export interface ScheduleLag {
  lagMs: LagFigures;
  /** The largest lag p99 at which the measurement is still trusted. */
  boundMs: number;
  /** Lag p99 beyond the bound. */
  behind: boolean;
  /** One sentence, printed by every reporter. */
  check: string;
}

/** Calls counted by A's per-second buckets or totals. */
export interface CallCounts {
  scheduled: number;
  completed: number;
  skipped: number;
}

/** How the per-second timeline relates to the accounting's totals. */
export interface TimelineCheck {
  /** The timeline's seconds, summed. */
  timeline: CallCounts;
  /** A's seconds before load start (its start-up), which the timeline leaves out. */
  beforeStart: CallCounts;
  /** What the accounting counts beyond every second the collector read (0 when nothing was missed). */
  unread: CallCounts;
  /** The timeline alone adds up to the accounting. */
  reconciles: boolean;
  /** One sentence: that it adds up, or what it leaves out. */
  check: string;
}

/** One second of the merged timeline (all A pods summed). */
export interface TimelineSecond extends CallCounts {
  /** Seconds since the run's start. */
  s: number;
  byCode: Record<string, number>;
  /** OK calls by B pod. */
  perPod: Record<string, number>;
  p99Ms: number | null;
  /** Schedule lag p99 of the calls A placed in this second, ms (null: none placed). */
  lagP99Ms: number | null;
}

/** The main window's figures a report shows as its headline (newPods: over the whole run). */
export type HeadlineFigures = Pick<
  Figures,
  | 'calls'
  | 'byCode'
  | 'errorClasses'
  | 'errors'
  | 'podsWithTraffic'
  | 'podsTotal'
  | 'perPod'
  | 'maxMeanShare'
  | 'latencyMs'
  | 'newPods'
  | 'servedByB'
  | 'attemptsPerCall'
>;

export interface RunResult extends HeadlineFigures {
  round: number;
  roundName: string;
  variant: string;
  /** The registered name of the platform it ran on (local, cluster, ...). */
  platform: string;
  /** Where that platform ran it: provider, API server version, context. */
  cluster: ClusterInfo;
  seed: number;
  /** ISO time the run started. */
  startedAt: string;
  durationS: number;
  /** UNAVAILABLE / completed calls; 0 without calls. */
  unavailableRate: number;
  accounting: Accounting;
  scheduleLag: ScheduleLag;
  /**
   * False when A fell behind its schedule beyond the bound (scheduleLag.behind): the measurement
   * cannot be trusted, which is not the same as a verdict failing. Every reporter says so.
   */
  trusted: boolean;
  verdicts: VerdictResult[];
  events: LabEvent[];
  timeline: TimelineSecond[];
  timelineCheck: TimelineCheck;
  /** Pods at the end of the run. */
  pods: PodInfo[];
  /** What the trainer says: the mechanism in plain words. */
  narration: string[];
  /** kubectl commands that show the same thing on a real cluster. */
  kubectl: string[];
  /** Round 5 only: the measured comparison table (protocol -> figure -> value). */
  table?: Record<string, Record<string, number | null>>;
  /** Set when a verdict or the platform failed: the folder with the pods' logs, the events and the objects. */
  logs?: string;
  pass: boolean;
}
