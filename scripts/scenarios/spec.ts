// The declarative shape of a round: what runs (an overlay per variant), what happens (a timeline of
// steps), what is measured (windows) and what must hold (verdicts). Specs are data: the runner,
// the measurement and the reporters are the only code, shared by every round.
import type { TableRowSpec, VerdictSpec, WindowSpec } from '../model/spec.js';
import { valueFor, type PlatformTraits, type TraitValue } from '../model/traits.js';

export type { Anchor, Comparison, TableRowSpec, VerdictSpec, WindowSpec } from '../model/spec.js';

interface StepCommon {
  /** Short title: the step gate and the live view show it. */
  title: string;
  /** What the trainer says while this step runs. */
  narration: string;
  /** Commands that show the same thing on a real cluster. */
  kubectl?: string[];
  /** Names the moment this step starts, for windows and verdicts. */
  mark?: string;
}

export type Step =
  | (StepCommon & { action: 'wait'; seconds: TraitValue })
  /** `kubectl rollout restart deployment/NAME`: of B, or of a client, whose processes then start again. */
  | (StepCommon & { action: 'rolloutRestart'; deployment: string })
  /** `kubectl rollout status`, bounded by the platform's rollout timeout. */
  | (StepCommon & { action: 'waitForRollout'; deployment: string })
  | (StepCommon & { action: 'scale'; deployment: string; replicas: number });

/** A number an overlay sets, with where it is set, so a test can prove the overlay says the same. */
export interface Knob {
  /** Deployment and env variable, or Deployment replicas. */
  deployment: string;
  env?: string;
  replicas?: true;
  value: string | number;
  why: string;
}

export type VariantRole = 'broken' | 'weak' | 'fixed' | 'measure';

export interface VariantSpec {
  name: string;
  /** broken: reproduces the failure; weak: a tempting answer that falls short; fixed: removes it. */
  role: VariantRole;
  /** One sentence: what this variant changes. */
  summary: string;
  /** What the trainer says about this variant's outcome. */
  narration: string;
  /** The numbers this variant's overlay sets on top of the round's, and why. */
  knobs?: Knob[];
  /** Replaces the round's timeline (e.g. a variant that also restarts A). */
  timeline?: Step[];
  /** Added to (or replacing, by name) the round's windows. */
  windows?: Record<string, WindowSpec>;
  verdicts: VerdictSpec[];
}

export interface RoundSpec {
  round: number;
  /** Short name: opening, probe, constraint, curveball, synthesis. */
  name: string;
  title: string;
  /** The symptom in one paragraph, as an on-call engineer would report it. */
  symptom: string;
  /** The objects in plain words: who calls whom through what. */
  topology: string;
  /** Deployments whose pods generate load (their /stats are polled) and the backend they call. */
  clients: string[];
  backend: string;
  /** The numbers every variant's overlay shares, and why. */
  knobs: Knob[];
  timeline: Step[];
  /** Named measurement windows; `main` is the one the headline figures are read in. */
  windows: Record<string, WindowSpec> & { main: WindowSpec };
  variants: VariantSpec[];
  /** Round 5: rows of the measured table. */
  table?: TableRowSpec[];
  /** Closing words: what to take away from the round. */
  takeaway: string;
}

/** Where a variant's overlay lives, relative to the repository root. */
export function overlayDir(round: Pick<RoundSpec, 'round' | 'name'>, variant: string): string {
  return `k8s/scenarios/${round.round}-${round.name}/${variant}`;
}

export function timelineOf(round: RoundSpec, variant: VariantSpec): Step[] {
  return variant.timeline ?? round.timeline;
}

export function windowsOf(round: RoundSpec, variant: VariantSpec): Record<string, WindowSpec> {
  return { ...round.windows, ...variant.windows };
}

/** Seconds the timeline waits on purpose on a platform like this one (rollouts and start-up come on top). */
export function plannedSeconds(steps: Step[], traits: PlatformTraits): number {
  return steps.reduce((s, step) => s + (step.action === 'wait' ? valueFor(step.seconds, traits) : 0), 0);
}
