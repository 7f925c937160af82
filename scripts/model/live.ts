// What the engine tells a live view (terminal or web) while a variant runs. The engine calls
// `update` once per second and `event` for every platform event; views only read. Each snapshot
// carries the run's t0, so a view places events on the same time axis as the engine.
import type { LabEvent } from './events.js';
import type { RunResult, VerdictResult } from './result.js';

export type LivePodState = 'Pending' | 'Ready' | 'NotReady' | 'Terminating' | 'Gone';

export interface LivePod {
  name: string;
  app: string;
  state: LivePodState;
  /** Created after the run started (a scale-up or rollout pod). */
  isNew: boolean;
  /** OK calls this pod served in the last second. */
  okPerSec: number;
  /** Share of the last second's OK calls, 0..1. */
  share: number;
}

export interface LiveSnapshot {
  round: number;
  variant: string;
  /** Unix ms of s = 0, on the events' clock: the moment the load started, everything up. */
  t0: number;
  /** Seconds since t0. */
  s: number;
  /** Calls completed in the last second, by outcome. */
  rates: { ok: number; unavailable: number; cancelled: number; other: number };
  pods: LivePod[];
  /** The timeline step under way; index counts from 1. */
  step: { index: number; total: number; title: string; narration: string } | null;
  verdicts: VerdictResult[];
}

export interface RunInfo {
  round: number;
  roundName: string;
  title: string;
  variant: string;
  /** The registered name of the platform. */
  platform: string;
  symptom: string;
}

export interface LiveView {
  start(info: RunInfo): void;
  update(snapshot: LiveSnapshot): void;
  event(event: LabEvent): void;
  finish(result: RunResult): void;
  close(): Promise<void>;
}

/** Step mode: the engine awaits the gate before each timeline action. */
export interface StepGate {
  /** Resolves when the trainer says go (Enter in the terminal, "Next" on the page). */
  waitForNext(title: string): Promise<void>;
}
