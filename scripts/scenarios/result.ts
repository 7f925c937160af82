// The RunResult of a finished variant: the final evaluation (every window, every verdict, the
// accounting verdict and round 5's table), the main window's headline figures, the per-second
// timeline and the story a trainer tells.
import { monotonicNow } from '../model/clock.js';
import type { PodInfo } from '../model/k8s.js';
import type { RunResult } from '../model/result.js';
import type { ClusterInfo } from '../model/traits.js';
import { evaluateRun } from '../measure/evaluate.js';
import { computeFigures, computeTimeline } from '../measure/figures.js';
import type { RunData } from '../measure/run-data.js';
import { scheduleLag } from '../measure/schedule-lag.js';
import { checkTimeline } from '../measure/timeline-check.js';
import { timelineOf, windowsOf, type RoundSpec, type VariantSpec, type VerdictSpec } from './spec.js';
import type { Platform } from '../platforms/platform.js';

/** Every run ends with this verdict: a result whose calls do not add up proves nothing. */
export const ACCOUNTING_VERDICT: VerdictSpec = {
  name: 'accounting holds',
  explanation: 'scheduled = completed + in flight + skipped for every A process: no call went uncounted.',
  metric: 'accountingHolds',
  op: '==',
  threshold: 1,
};

export interface ResultInput {
  round: RoundSpec;
  variant: VariantSpec;
  platform: Pick<Platform, 'name' | 'info'>;
  cluster: ClusterInfo;
  seed: number;
  data: RunData;
  pods: PodInfo[];
  /** When the variant began (monotonic ms): its duration counts from there. */
  began: number;
}

export function buildResult(input: ResultInput): RunResult {
  const { round, variant, data } = input;
  const evaluation = evaluateRun({
    data,
    windows: windowsOf(round, variant),
    verdicts: [...variant.verdicts, ACCOUNTING_VERDICT],
    traits: input.platform.info,
    table: round.table,
    final: true,
  });
  const main = evaluation.figures.main;
  const whole = computeFigures(data, { from: data.t0, to: data.tEnd });
  const steps = timelineOf(round, variant);
  // From load start to the end, like the timeline: every window a verdict reads lies inside it.
  const lag = scheduleLag(data.clients, { from: data.t0, to: Infinity });
  const timeline = computeTimeline(data, { from: data.t0, to: Infinity });
  return {
    round: round.round,
    roundName: round.name,
    variant: variant.name,
    platform: input.platform.name,
    cluster: input.cluster,
    seed: input.seed,
    // The report's time axis counts from t0 (load start), so startedAt names that instant too.
    startedAt: new Date(data.t0).toISOString(),
    durationS: Math.round((monotonicNow() - input.began) / 100) / 10,
    calls: main.calls,
    byCode: main.byCode,
    errorClasses: main.errorClasses,
    errors: main.errors,
    unavailableRate: main.unavailableRate ?? 0,
    podsWithTraffic: main.podsWithTraffic,
    podsTotal: main.podsTotal,
    perPod: main.perPod,
    maxMeanShare: main.maxMeanShare,
    latencyMs: main.latencyMs,
    newPods: whole.newPods,
    servedByB: main.servedByB,
    attemptsPerCall: main.attemptsPerCall,
    accounting: evaluation.accounting,
    scheduleLag: lag,
    trusted: !lag.behind,
    verdicts: evaluation.verdicts,
    events: data.events,
    timeline,
    timelineCheck: checkTimeline(data.clients, data.t0, timeline, evaluation.accounting),
    pods: input.pods,
    narration: [round.symptom, ...steps.map((s) => `${s.title}: ${s.narration}`), `${variant.name}: ${variant.narration}`, round.takeaway],
    kubectl: [...new Set(steps.flatMap((s) => s.kubectl ?? []))],
    ...(evaluation.table ? { table: evaluation.table } : {}),
    pass: evaluation.verdicts.every((v) => v.pass),
  };
}
