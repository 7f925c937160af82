// Scale: the local platform with 10, 20 and 50 B pods. For each size: how long until every B pod
// is Ready, and the peak memory of the whole lab (this orchestrator process, which hosts
// kube-proxy and the cluster DNS, plus every pod and helper process under it), sampled from /proc
// every 100 ms while it comes up and carries round 3's load for a few seconds.
// Then round 3's broken and headless variants, unchanged except for 50 B pods: do the verdicts hold?
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalPlatform } from '../scripts/platforms/local/local-platform.js';
import { monotonicNow } from '../scripts/model/clock.js';
import { type LabEvent } from '../scripts/model/events.js';
import { round3 } from '../scripts/scenarios/round-3-constraint.js';
import { renderVariant, runVariant } from '../scripts/scenarios/runner.js';
import { findVariant } from '../scripts/scenarios/index.js';
import { round } from './lib/numbers.js';
import { PROJECT_ROOT } from './lib/processes.js';
import { mib, treePssBytes, TreeMemorySampler, type MemoryPeak } from './lib/proc-memory.js';
import { ReplicasOverride, withReplicas } from './lib/replicas-override.js';
import { checked, type BenchContext, type BenchRun, type Figure } from './lib/report.js';

const SIZES = [10, 20, 50];
const READY_TARGET_S = 15;
/** Seconds of round 3's load after every pod is Ready, so the memory peak includes a lab at work. */
const LOADED_S = 5;
const BACKEND = round3.backend;
const VERDICT_VARIANTS = ['broken', 'headless'];
const VERDICT_REPLICAS = 50;
const SEED = 1;

export interface SizeResult {
  bPods: number;
  /** From the call to up() until the last B pod's readiness probe passed. */
  allReadyS: number;
  /** up() as a whole: every Deployment rolled out, kube-proxy and DNS caught up. */
  upS: number;
  downS: number;
  podsReady: number;
  /** RSS peak; and PSS once, under load, where shared pages (Node's binary) count once. */
  memory: MemoryPeak & { peakMiB: number; pssMiB: number };
}

export interface VerdictRun {
  variant: string;
  bPods: number;
  pass: boolean;
  durationS: number;
  podsWithTraffic: number;
  podsTotal: number;
  unavailableRate: number;
  maxMeanShare: number | null;
  verdicts: Array<{ name: string; expected: string; measured: number | string | null; pass: boolean }>;
  peakMiB: number;
}

/** A lab address block of its own (127.N.0.0/16), away from the default 10 a demo may be using. */
function octet(): number {
  return randomInt(60, 100);
}

export async function scale(ctx: BenchContext): Promise<BenchRun> {
  const sizes: SizeResult[] = [];
  for (const n of SIZES) {
    sizes.push(await bringUp(n));
    const s = sizes[sizes.length - 1];
    ctx.log(`${n} B pods: all Ready after ${s.allReadyS} s (up() ${s.upS} s), peak RSS ${s.memory.peakMiB} MiB over ${s.memory.peakProcesses} processes, PSS ${s.memory.pssMiB} MiB, down ${s.downS} s`);
  }
  const verdictRuns: VerdictRun[] = [];
  for (const name of VERDICT_VARIANTS) {
    ctx.log(`round 3 ${name} with ${VERDICT_REPLICAS} B pods`);
    const run = await roundAtScale(name, (line) => ctx.log(`  ${line}`));
    ctx.log(`  ${run.pass ? 'verdicts hold' : 'a verdict failed'}: ${run.verdicts.map((v) => `${v.name}: ${v.measured} (${v.pass ? 'ok' : 'FAIL'})`).join('; ')}`);
    verdictRuns.push(run);
  }
  return { figures: figures(sizes, verdictRuns), details: { overlay: 'round 3 broken', loadedS: LOADED_S, sizes, verdictRuns } };
}

async function bringUp(bPods: number): Promise<SizeResult> {
  const objects = withReplicas(await renderVariant(PROJECT_ROOT, round3, findVariant(round3, 'broken'), SEED), BACKEND, bPods);
  const platform = new LocalPlatform({ octet: octet(), seed: SEED });
  const sampler = new TreeMemorySampler(process.pid);
  const t0 = monotonicNow();
  try {
    await platform.up(objects);
    const upS = (monotonicNow() - t0) / 1000;
    const readyAt = lastReady(platform.events(), bPods);
    await sleep(LOADED_S * 1000);
    const pssMiB = mib(treePssBytes(process.pid));
    const memory = sampler.stop();
    const podsReady = (await platform.pods()).filter((p) => p.deployment === BACKEND && p.ready).length;
    const tDown = monotonicNow();
    await platform.down();
    return {
      bPods,
      allReadyS: round((readyAt - t0) / 1000, 2),
      upS: round(upS, 2),
      downS: round((monotonicNow() - tDown) / 1000, 2),
      podsReady,
      memory: { ...memory, peakMiB: mib(memory.peakBytes), pssMiB },
    };
  } finally {
    sampler.stop();
    await platform.down();
  }
}

/** When the last of the B pods became Ready (each pod's first pod-ready event). */
function lastReady(events: LabEvent[], expected: number): number {
  const first = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'pod-ready' && e.pod && (e.deployment === BACKEND || e.pod.startsWith(`${BACKEND}-`)) && !first.has(e.pod)) first.set(e.pod, e.t);
  }
  if (first.size < expected) throw new Error(`only ${first.size} of ${expected} ${BACKEND} pods reported Ready`);
  return Math.max(...first.values());
}

async function roundAtScale(variantName: string, log: (line: string) => void): Promise<VerdictRun> {
  const platform = new ReplicasOverride(new LocalPlatform({ octet: octet(), seed: SEED }), BACKEND, VERDICT_REPLICAS);
  const sampler = new TreeMemorySampler(process.pid);
  try {
    const r = await runVariant({ platform, round: round3, variant: findVariant(round3, variantName), seed: SEED, root: PROJECT_ROOT, log });
    return {
      variant: variantName,
      bPods: VERDICT_REPLICAS,
      pass: r.pass,
      durationS: round(r.durationS, 1),
      podsWithTraffic: r.podsWithTraffic,
      podsTotal: r.podsTotal,
      unavailableRate: r.unavailableRate,
      maxMeanShare: r.maxMeanShare,
      verdicts: r.verdicts.map((v) => ({ name: v.name, expected: v.expected, measured: v.measured, pass: v.pass })),
      peakMiB: mib(sampler.stop().peakBytes),
    };
  } finally {
    sampler.stop();
  }
}

function figures(sizes: SizeResult[], runs: VerdictRun[]): Figure[] {
  const out: Figure[] = [];
  for (const s of sizes) {
    const name = `${s.bPods} B pods: all Ready`;
    out.push(s.bPods === 50 ? checked(name, s.allReadyS, 's', `<= ${READY_TARGET_S} s`, s.allReadyS <= READY_TARGET_S) : { name, value: s.allReadyS, unit: 's' });
    out.push({ name: `${s.bPods} B pods: peak memory of the lab (sum of RSS)`, value: `${s.memory.peakMiB.toLocaleString('en-US')} MiB over ${s.memory.peakProcesses} processes` });
    out.push({ name: `${s.bPods} B pods: memory under load (sum of PSS)`, value: s.memory.pssMiB, unit: 'MiB' });
  }
  for (const r of runs) {
    const share = r.maxMeanShare === null ? '' : `, max/mean ${round(r.maxMeanShare, 2)}`;
    const value = `${r.podsWithTraffic}/${r.podsTotal} pods with traffic, UNAVAILABLE ${round(r.unavailableRate * 100, 2)}%${share}`;
    out.push(checked(`round 3 ${r.variant} at ${r.bPods} B pods`, value, undefined, 'its verdicts hold', r.pass));
  }
  return out;
}
