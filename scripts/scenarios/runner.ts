// Runs one variant of a round on a platform: render its overlay, bring it up, measure while the
// timeline runs, stop the load so every call is accounted for, judge, keep the platform's logs
// when something failed, and always tear down.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_ROOT } from '../../services/shared/project-root.js';
import { monotonicNow } from '../model/clock.js';
import type { LabEvent } from '../model/events.js';
import type { K8sObject } from '../model/k8s.js';
import type { LiveView, RunInfo, StepGate } from '../model/live.js';
import type { RunResult } from '../model/result.js';
import { valueFor } from '../model/traits.js';
import { Collector } from '../measure/collector.js';
import type { RunClock } from '../measure/windows.js';
import type { Platform } from '../platforms/platform.js';
import { renderOverlay } from '../platforms/render.js';
import { LiveState } from './live-state.js';
import { replicasOf, withSeed, withoutReplicas } from './manifests.js';
import { buildResult } from './result.js';
import { overlayDir, timelineOf, type RoundSpec, type Step, type VariantSpec } from './spec.js';

export { ACCOUNTING_VERDICT } from './result.js';

export interface RunVariantOptions {
  platform: Platform;
  round: RoundSpec;
  variant: VariantSpec;
  seed: number;
  /** Overlays are read from k8s/scenarios below it (default: this project). */
  root?: string;
  views?: LiveView[];
  /** Step mode: the runner awaits the gate before every timeline action. */
  gate?: StepGate;
  /** Aborts the timeline (Ctrl-C); the platform is still torn down. */
  signal?: AbortSignal;
  /** Progress lines for a person (one per step). */
  log?: (line: string) => void;
  /** The variant's objects, already rendered and checked by renderVariant (default: rendered here). */
  objects?: K8sObject[];
  /**
   * Where the platform's logs, events and objects go when a verdict or the platform fails
   * (collected before the tear-down). Emptied when the variant starts; no collection without it.
   */
  logsDir?: string;
}

/** Time A gets to finish its calls in flight after SIGTERM: its deadline plus its stats linger. */
const DRAIN_TIMEOUT_MS = 15_000;

/**
 * The variant's objects with the run's seed, checked against the Kubernetes schema: a manifest the
 * API would refuse is a ManifestError here, before any platform starts anything.
 */
export async function renderVariant(root: string, round: RoundSpec, variant: VariantSpec, seed: number): Promise<K8sObject[]> {
  const objects = await renderOverlay(path.join(root, overlayDir(round, variant.name)));
  return withSeed(objects, [...round.clients, round.backend], seed);
}

export async function runVariant(opts: RunVariantOptions): Promise<RunResult> {
  const { platform, round, variant } = opts;
  const began = monotonicNow();
  const views = opts.views ?? [];
  const log = opts.log ?? (() => {});
  // The manifests first: one the API would refuse ends the run before anything starts, with
  // nothing to tear down and no logs to keep.
  const objects = opts.objects ?? (await renderVariant(opts.root ?? PROJECT_ROOT, round, variant, opts.seed));
  const info: RunInfo = { round: round.round, roundName: round.name, title: round.title, variant: variant.name, platform: platform.name, symptom: round.symptom };
  const stepEvents: LabEvent[] = [];
  const collector = new Collector(platform, { clients: round.clients, backend: round.backend, backendMetrics: round.table !== undefined });
  const unsubscribe = platform.onEvent((e) => views.forEach((v) => v.event(e)));
  let ticker: NodeJS.Timeout | null = null;
  // A folder left by an earlier run of this variant must not pass for this run's.
  if (opts.logsDir) await rm(opts.logsDir, { recursive: true, force: true });
  try {
    views.forEach((v) => v.start(info));
    log(`bringing up ${objects.length} objects`);
    await untilAborted(bringUp(platform, round, objects), opts.signal);
    const cluster = await platform.clusterInfo();
    collector.start();
    const clock: RunClock = { t0: monotonicNow(), tEnd: Infinity, marks: {} };
    const live = new LiveState(round, variant, platform.info, clock, collector);
    ticker = setInterval(() => views.forEach((v) => v.update(live.snapshot())), 1000);
    await runTimeline(opts, clock, live, (e) => {
      stepEvents.push(e);
      views.forEach((v) => v.event(e));
    });
    clock.tEnd = monotonicNow();
    log('stopping the load: A finishes its calls in flight');
    await untilAborted(drainClients(platform, round, collector), opts.signal);
    await collector.stop();
    clearInterval(ticker);
    ticker = null;
    const pods = await platform.pods();
    const events = [...platform.events(), ...stepEvents].sort((a, b) => a.t - b.t);
    let result = buildResult({ round, variant, platform, cluster, seed: opts.seed, data: collector.runData(clock, events), pods, began });
    if (!result.pass) {
      const logs = await keepLogs(platform, opts, 'a verdict failed');
      if (logs) result = { ...result, logs };
    }
    views.forEach((v) => v.finish(result));
    return result;
  } catch (err) {
    if ((err as Error).name !== 'AbortError') await keepLogs(platform, opts, 'the run failed');
    throw err;
  } finally {
    if (ticker) clearInterval(ticker);
    unsubscribe();
    await collector.stop();
    await platform.down();
  }
}

/**
 * Waits for `work` unless the signal aborts first (Ctrl-C): then it rejects at once with the
 * signal's AbortError, and the caller's tear-down (platform.down(), which also ends a start-up
 * under way) runs now rather than after a rollout timeout. `work` settles later, unobserved.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (err: unknown) => (signal.removeEventListener('abort', onAbort), reject(err)),
    );
  });
}

/** The platform's logs, events and objects in opts.logsDir, before the tear-down; the folder, or undefined. */
async function keepLogs(platform: Platform, opts: RunVariantOptions, why: string): Promise<string | undefined> {
  if (!opts.logsDir) return undefined;
  try {
    const files = await platform.collectLogs(opts.logsDir);
    if (files.length === 0) return undefined;
    opts.log?.(`${why}: the pods' logs, the events and the objects are in ${opts.logsDir}`);
    return opts.logsDir;
  } catch (err) {
    // The failure being reported matters more than its logs: say so and carry on.
    opts.log?.(`${why}, and its logs could not be kept: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/**
 * The backend first, then the clients, as a team deploys them: a client that started before B's
 * pods were ready would resolve a headless Service to the few that were, and keep only those.
 */
async function bringUp(platform: Platform, round: RoundSpec, objects: K8sObject[]): Promise<void> {
  const wanted = replicasOf(objects, round.clients);
  const { upMs } = platform.info.timeouts;
  await platform.up(withoutReplicas(objects, round.clients), upMs);
  for (const [client, replicas] of wanted) if (replicas > 0) await platform.scale(client, replicas);
  for (const [client, replicas] of wanted) if (replicas > 0) await platform.waitForRollout(client, upMs);
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
    await untilAborted(perform(step, opts), opts.signal);
  }
}

async function perform(step: Step, opts: RunVariantOptions): Promise<void> {
  const { platform } = opts;
  switch (step.action) {
    case 'wait':
      return void (await sleep(valueFor(step.seconds, platform.info) * 1000, undefined, { signal: opts.signal }));
    case 'rolloutRestart':
      return platform.rolloutRestart(step.deployment);
    case 'waitForRollout':
      return platform.waitForRollout(step.deployment, platform.info.timeouts.rolloutMs);
    case 'scale':
      return platform.scale(step.deployment, step.replicas);
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
