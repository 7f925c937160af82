// Runs one variant of a round on a platform: render its overlay, bring it up, measure while the
// timeline runs, stop the load so every call is accounted for, judge, and always tear down.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { K8sObject } from '../model/k8s.js';
import type { LabEvent } from '../model/events.js';
import type { Platform } from '../platforms/platform.js';
import { monotonicNow } from '../model/clock.js';
import { renderOverlay } from '../platforms/render.js';
import { Collector } from '../measure/collector.js';
import { computeAccounting, computeFigures, computeTimeline, type Figures } from '../measure/figures.js';
import type { LiveSnapshot, LiveView, RunInfo, StepGate } from '../measure/live.js';
import type { RunData, TimeRange } from '../measure/run-data.js';
import { buildSnapshot } from '../measure/snapshot.js';
import { computeTable } from '../measure/table.js';
import { evaluateVerdicts } from '../measure/verdicts.js';
import type { RunResult, VerdictResult } from '../report/result-schema.js';
import { forPlatform, overlayDir, timelineOf, windowsOf, type PlatformName, type RoundSpec, type Step, type VariantSpec, type VerdictSpec } from './spec.js';
import { resolveWindows, type RunClock } from './windows.js';
import { replicasOf, withSeed, withoutReplicas } from './manifests.js';

export interface RunVariantOptions {
  platform: Platform;
  round: RoundSpec;
  variant: VariantSpec;
  seed: number;
  /** Repository root: overlays are read from k8s/scenarios below it. */
  root: string;
  views?: LiveView[];
  /** Step mode: the runner awaits the gate before every timeline action. */
  gate?: StepGate;
  /** Aborts the timeline (Ctrl-C); the platform is still torn down. */
  signal?: AbortSignal;
  /** Progress lines for a person (one per step). */
  log?: (line: string) => void;
}

/** Every run ends with this verdict: a result whose calls do not add up proves nothing. */
export const ACCOUNTING_VERDICT: VerdictSpec = {
  name: 'accounting holds',
  explanation: 'scheduled = completed + in flight + skipped for every A process: no call went uncounted.',
  metric: 'accountingHolds',
  op: '==',
  threshold: 1,
};

/** Time A gets to finish its calls in flight after SIGTERM: its deadline plus its stats linger. */
const DRAIN_TIMEOUT_MS = 15_000;
const UP_TIMEOUT_MS = 180_000;

export async function renderVariant(root: string, round: RoundSpec, variant: VariantSpec, seed: number): Promise<K8sObject[]> {
  const objects = await renderOverlay(path.join(root, overlayDir(round, variant.name)));
  return withSeed(objects, [...round.clients, round.backend], seed);
}

export async function runVariant(opts: RunVariantOptions): Promise<RunResult> {
  const { platform, round, variant } = opts;
  const began = monotonicNow();
  const views = opts.views ?? [];
  const log = opts.log ?? (() => {});
  const info: RunInfo = { round: round.round, roundName: round.name, title: round.title, variant: variant.name, platform: platform.name, symptom: round.symptom };
  const stepEvents: LabEvent[] = [];
  const collector = new Collector(platform, { clients: round.clients, backend: round.backend, backendMetrics: round.table !== undefined });
  const unsubscribe = platform.onEvent((e) => views.forEach((v) => v.event(e)));
  let ticker: NodeJS.Timeout | null = null;
  try {
    const objects = await renderVariant(opts.root, round, variant, opts.seed);
    views.forEach((v) => v.start(info));
    log(`bringing up ${objects.length} objects`);
    await bringUp(platform, round, objects);
    collector.start();
    const clock: RunClock = { t0: monotonicNow(), tEnd: Infinity, marks: {} };
    const live = new LiveState(opts, clock, collector);
    ticker = setInterval(() => views.forEach((v) => v.update(live.snapshot())), 1000);
    await runTimeline(opts, clock, live, (e) => {
      stepEvents.push(e);
      views.forEach((v) => v.event(e));
    });
    clock.tEnd = monotonicNow();
    log('stopping the load: A finishes its calls in flight');
    await drainClients(platform, round, collector);
    await collector.stop();
    clearInterval(ticker);
    ticker = null;
    const pods = await platform.pods();
    const events = [...platform.events(), ...stepEvents].sort((a, b) => a.t - b.t);
    // The report's time axis counts from t0 (load start), so startedAt names that instant too.
    const result = judge(opts, clock, collectedData(collector, clock, round, events), pods, began, new Date(clock.t0).toISOString());
    views.forEach((v) => v.finish(result));
    return result;
  } finally {
    if (ticker) clearInterval(ticker);
    unsubscribe();
    await collector.stop();
    await platform.down();
  }
}

/**
 * The backend first, then the clients, as a team deploys them: a client that started before B's
 * pods were ready would resolve a headless Service to the few that were, and keep only those.
 */
async function bringUp(platform: Platform, round: RoundSpec, objects: K8sObject[]): Promise<void> {
  const wanted = replicasOf(objects, round.clients);
  await platform.up(withoutReplicas(objects, round.clients), UP_TIMEOUT_MS);
  for (const [client, replicas] of wanted) if (replicas > 0) await platform.scale(client, replicas);
  for (const [client, replicas] of wanted) if (replicas > 0) await platform.waitForRollout(client, UP_TIMEOUT_MS);
}

/** What views see while the run goes on. */
class LiveState {
  step: LiveSnapshot['step'] = null;

  constructor(
    private readonly opts: RunVariantOptions,
    private readonly clock: RunClock,
    private readonly collector: Collector,
  ) {}

  snapshot(): LiveSnapshot {
    const now = monotonicNow();
    return buildSnapshot({
      round: this.opts.round.round,
      variant: this.opts.variant.name,
      t0: this.clock.t0,
      now,
      clients: this.collector.clients(),
      pods: this.collector.pods(),
      step: this.step,
      verdicts: this.liveVerdicts(now),
    });
  }

  /** Verdicts over the run so far: a trainer sees a failure the moment it is measured. */
  private liveVerdicts(now: number): VerdictResult[] {
    const { round, variant } = this.opts;
    const clock = { ...this.clock, tEnd: now };
    const data = collectedData(this.collector, clock, round, []);
    const ranges = resolveWindows(windowsOf(round, variant), clock);
    const figures = figuresFor(data, ranges);
    const specs = variant.verdicts.filter((v) => figures[v.window ?? 'main'] && (!v.relativeTo || figures[v.relativeTo]));
    return evaluateVerdicts(specs, { platform: this.opts.platform.name, figures, run: { accounting: computeAccounting(data.clients) } });
  }
}

async function runTimeline(opts: RunVariantOptions, clock: RunClock, live: LiveState, emit: (e: LabEvent) => void): Promise<void> {
  const steps = timelineOf(opts.round, opts.variant);
  for (const [index, step] of steps.entries()) {
    if (opts.gate) await opts.gate.waitForNext(step.title);
    opts.signal?.throwIfAborted();
    const t = monotonicNow();
    if (step.mark) clock.marks[step.mark] = t;
    live.step = { index: index + 1, total: steps.length, title: step.title, narration: step.narration };
    emit({ t, type: 'step', detail: `${index + 1}/${steps.length} ${step.title}` });
    opts.log?.(`step ${index + 1}/${steps.length}: ${step.title}`);
    await perform(step, opts);
  }
}

async function perform(step: Step, opts: RunVariantOptions): Promise<void> {
  const { platform, round } = opts;
  switch (step.action) {
    case 'wait':
      return void (await sleep(forPlatform(step.seconds, platform.name) * 1000, undefined, { signal: opts.signal }));
    case 'rolloutRestart':
      return platform.rolloutRestart(step.deployment);
    case 'waitForRollout':
      return platform.waitForRollout(step.deployment, (step.timeoutS ?? 120) * 1000);
    case 'scale':
      return platform.scale(step.deployment, step.replicas);
    case 'restartA':
      for (const client of round.clients) await platform.rolloutRestart(client);
      return;
    case 'mark':
      return;
  }
}

/**
 * Scales every A deployment to 0: each A process gets SIGTERM, stops scheduling, lets its calls in
 * flight end and keeps /stats up for a moment. The collector reads those last answers, so
 * accounting closes with nothing in flight. If a process does not drain in time, its last answer
 * is reported as it is, in-flight calls included.
 */
async function drainClients(platform: Platform, round: RoundSpec, collector: Collector): Promise<void> {
  for (const client of round.clients) await platform.scale(client, 0);
  const deadline = monotonicNow() + DRAIN_TIMEOUT_MS;
  while (monotonicNow() < deadline) {
    const drained = (await platform.pods()).filter((p) => round.clients.includes(p.deployment)).every((p) => {
      const series = collector.clients().filter((s) => s.pod === p.name);
      const last = series[series.length - 1]?.last;
      return last === undefined || (last.stopping && last.totals.inFlight === 0);
    });
    if (drained) break;
    await sleep(250);
  }
  // One more read, so the bucket A closed when it finished is in.
  await collector.poll();
}

function collectedData(collector: Collector, clock: RunClock, round: RoundSpec, events: LabEvent[]): RunData {
  return {
    t0: clock.t0,
    tEnd: clock.tEnd,
    backend: round.backend,
    clients: collector.clients(),
    backends: collector.backends(),
    pods: collector.pods(),
    events,
    marks: clock.marks,
  };
}

function figuresFor(data: RunData, ranges: Record<string, TimeRange>): Record<string, Figures> {
  return Object.fromEntries(Object.entries(ranges).map(([name, range]) => [name, computeFigures(data, range)]));
}

function judge(
  opts: RunVariantOptions,
  clock: RunClock,
  data: RunData,
  pods: RunResult['pods'],
  began: number,
  startedAt: string,
): RunResult {
  const { round, variant } = opts;
  const platformName: PlatformName = opts.platform.name;
  const windows = windowsOf(round, variant);
  const ranges = resolveWindows(windows, clock);
  for (const name of Object.keys(windows)) {
    if (!ranges[name]) throw new Error(`window "${name}" of round ${round.round} is empty or its marks were never set`);
  }
  const figures = figuresFor(data, ranges);
  const main = figures.main;
  const whole = computeFigures(data, { from: clock.t0, to: clock.tEnd });
  const accounting = computeAccounting(data.clients);
  const table = round.table ? computeTable(round.table, data, ranges) : undefined;
  const verdicts = evaluateVerdicts([...variant.verdicts, ACCOUNTING_VERDICT], { platform: platformName, figures, run: { accounting, table } });
  const steps = timelineOf(round, variant);
  return {
    round: round.round,
    roundName: round.name,
    variant: variant.name,
    platform: platformName,
    seed: opts.seed,
    startedAt,
    durationS: Math.round((monotonicNow() - began) / 100) / 10,
    calls: main.calls,
    byCode: main.byCode,
    errorClasses: main.errorClasses,
    unavailableRate: main.unavailableRate ?? 0,
    podsWithTraffic: main.podsWithTraffic,
    podsTotal: main.podsTotal,
    perPod: main.perPod,
    maxMeanShare: main.maxMeanShare,
    latencyMs: main.latencyMs,
    newPods: whole.newPods,
    servedByB: main.servedByB,
    accounting,
    verdicts,
    events: data.events,
    timeline: computeTimeline(data, { from: clock.t0, to: Infinity }),
    pods,
    narration: [round.symptom, ...steps.map((s) => `${s.title}: ${s.narration}`), `${variant.name}: ${variant.narration}`, round.takeaway],
    kubectl: [...new Set(steps.flatMap((s) => s.kubectl ?? []))],
    ...(table ? { table } : {}),
    pass: verdicts.every((v) => v.pass),
  };
}
