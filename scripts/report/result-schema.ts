// The result of one variant run: what reports/<round>-<variant>.json holds, what the terminal,
// JUnit and HTML reporters read, and what the README documents. Change them together.
import type { LabEvent } from '../model/events.js';
import type { PodInfo } from '../model/k8s.js';

export interface VerdictResult {
  name: string;
  /** The sentence a trainer would say: what this verdict proves. */
  explanation: string;
  /** Human-readable threshold, e.g. ">= 1%" or "== 0". */
  expected: string;
  /** The measured value, as a number where the verdict is numeric. */
  measured: number | string | null;
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

export interface RunResult {
  round: number;
  roundName: string;
  variant: string;
  platform: 'local' | 'kind';
  seed: number;
  /** ISO time the run started. */
  startedAt: string;
  durationS: number;
  /** Calls A completed (every outcome). */
  calls: number;
  byCode: Record<string, number>;
  errorClasses: Record<string, number>;
  /** UNAVAILABLE / completed calls. */
  unavailableRate: number;
  podsWithTraffic: number;
  /** B pods that existed during the measurement window. */
  podsTotal: number;
  /** OK calls per B pod. */
  perPod: Record<string, number>;
  /** Largest per-pod share over the mean share, over the pods that existed (1 = perfectly even). */
  maxMeanShare: number | null;
  latencyMs: { p50: number | null; p99: number | null; max: number | null };
  /** Pods created during the run: seconds from creation to their first served call, or null. */
  newPods: Record<string, number | null>;
  /** Calls B pods received (all attempts, shed ones included): retry amplification. */
  servedByB: number;
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
  pass: boolean;
}
