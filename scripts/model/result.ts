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

export interface Accounting {
  scheduled: number;
  completed: number;
  inFlight: number;
  skipped: number;
  ok: number;
  /** scheduled === completed + inFlight + skipped for every A pod and in total. */
  holds: boolean;
  /** One sentence, printed by every reporter. */
  check: string;
}

/** One second of the merged timeline (all A pods summed). */
export interface TimelineSecond {
  /** Seconds since the run's start. */
  s: number;
  scheduled: number;
  completed: number;
  skipped: number;
  byCode: Record<string, number>;
  /** OK calls by B pod. */
  perPod: Record<string, number>;
  p99Ms: number | null;
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
  verdicts: VerdictResult[];
  events: LabEvent[];
  timeline: TimelineSecond[];
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
