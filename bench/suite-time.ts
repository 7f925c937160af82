// Suite time: the wall time of every variant of every round on the local platform, each run as a
// person would run it (`lab run N --variant V --platform local`, a fresh process), and of
// `make demo`. Each run's peak memory (the lab CLI and every process under it) comes along.
//
// BENCH_ROUNDS=3,4,demo limits the runs to those rounds (and the demo), for a quick look.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROUNDS } from '../scripts/scenarios/index.js';
import { plannedSeconds, timelineOf } from '../scripts/scenarios/spec.js';
import { platforms } from '../scripts/platforms/index.js';
import { round } from './lib/numbers.js';
import { BenchError, built, PROJECT_ROOT, spawnFollowed, spawnNode, succeeded, type Proc } from './lib/processes.js';
import { mib, TreeMemorySampler } from './lib/proc-memory.js';
import { checked, type BenchContext, type BenchRun, type Figure } from './lib/report.js';

/** What `lab run` exit codes mean (scripts/cli/lab.ts). */
const LAB_EXIT: Record<number, string> = { 0: 'verdicts hold', 1: 'a verdict failed', 2: 'bad input', 3: 'platform failed', 4: 'unexpected error' };

export interface TimedRun {
  what: string;
  command: string;
  wallS: number;
  /** Seconds the variant's timeline waits on purpose; the rest of wallS is the lab's overhead. */
  plannedS?: number;
  exitCode: number | null;
  outcome: string;
  peakRssMiB: number;
  peakProcesses: number;
  /** Last lines of output when it did not end with exit code 0. */
  tail?: string;
}

export async function suiteTime(ctx: BenchContext): Promise<BenchRun> {
  const wanted = suiteSelection(process.env.BENCH_ROUNDS);
  built('scripts/cli/lab.js');
  const reports = mkdtempSync(path.join(os.tmpdir(), 'lab-bench-reports-'));
  const runs: TimedRun[] = [];
  try {
    for (const r of ROUNDS.filter((r) => wanted.rounds.has(r.round))) {
      for (const v of r.variants) {
        const args = ['run', String(r.round), '--variant', v.name, '--platform', 'local', '--reports', reports];
        const run = await timed(`round ${r.round} ${v.name}`, `lab run ${r.round} --variant ${v.name} --platform local`, () =>
          spawnNode(`lab ${r.round} ${v.name}`, 'scripts/cli/lab.js', { args }),
        );
        run.plannedS = plannedSeconds(timelineOf(r, v), platforms.find('local')!.info);
        ctx.log(`${run.what}: ${run.wallS} s (timeline ${run.plannedS} s), ${run.outcome}, peak ${run.peakRssMiB} MiB`);
        runs.push(run);
      }
    }
    if (wanted.demo) {
      // The build first, untimed: the demo's own `build` prerequisite is then a no-op, unless a
      // source changes meanwhile (the run then says it included a rebuild).
      await succeeded(spawnMake(['build']));
      const stamp = buildStamp();
      const run = await timed('make demo', 'make demo PLATFORM=local', () => spawnMake(['demo', 'PLATFORM=local']));
      if (buildStamp() !== stamp) run.outcome += ' (included a rebuild)';
      ctx.log(`make demo: ${run.wallS} s, ${run.outcome}, peak ${run.peakRssMiB} MiB`);
      runs.push(run);
    }
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
  return { figures: figures(runs), details: { runs } };
}

/** Which rounds (and whether make demo) BENCH_ROUNDS asks for; BenchError on anything else. */
export function suiteSelection(raw: string | undefined): { rounds: Set<number>; demo: boolean } {
  if (raw === undefined || raw.trim() === '') return { rounds: new Set(ROUNDS.map((r) => r.round)), demo: true };
  const items = raw.split(',').map((s) => s.trim());
  const rounds = new Set<number>();
  for (const item of items) {
    if (item === 'demo') continue;
    const n = Number(item);
    if (!ROUNDS.some((r) => r.round === n)) throw new BenchError(`BENCH_ROUNDS=${raw}: "${item}" is not a round (${ROUNDS.map((r) => r.round).join(', ')}) or demo`);
    rounds.add(n);
  }
  return { rounds, demo: items.includes('demo') };
}

async function timed(what: string, command: string, start: () => Proc): Promise<TimedRun> {
  const t0 = performance.now();
  const p = start();
  const sampler = new TreeMemorySampler(p.proc.pid!);
  const { code, signal } = await p.exited;
  const wallS = round((performance.now() - t0) / 1000, 1);
  const mem = sampler.stop();
  const outcome = code === null ? `killed by ${signal}` : (LAB_EXIT[code] ?? `exit code ${code}`);
  const run: TimedRun = { what, command, wallS, exitCode: code, outcome, peakRssMiB: mib(mem.peakBytes), peakProcesses: mem.peakProcesses };
  if (code !== 0) run.tail = lastLines(`${p.stdout()}\n${p.stderr()}`, 6);
  return run;
}

/** `make ARGS` in the project, as a person would type it. */
function spawnMake(args: string[]): Proc {
  return spawnFollowed(`make ${args.join(' ')}`, 'make', ['--no-print-directory', ...args]);
}

function buildStamp(): number {
  const file = path.join(PROJECT_ROOT, 'dist/.build-stamp');
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').filter((l) => l.trim() !== '').slice(-n).join('\n');
}

function figures(runs: TimedRun[]): Figure[] {
  const out: Figure[] = runs.map((r) => {
    const planned = r.plannedS === undefined ? '' : ` (timeline ${r.plannedS} s)`;
    return checked(`${r.what} wall time${planned}`, r.wallS, 's', r.what === 'make demo' ? 'exit 0' : 'verdicts hold', r.exitCode === 0);
  });
  const variants = runs.filter((r) => r.plannedS !== undefined);
  if (variants.length > 0) {
    const wall = variants.reduce((s, r) => s + r.wallS, 0);
    const planned = variants.reduce((s, r) => s + (r.plannedS ?? 0), 0);
    out.push({ name: `all ${variants.length} variant${variants.length === 1 ? '' : 's'}, one after another`, value: round(wall, 1), unit: 's' });
    out.push({ name: 'of which timelines (waits the rounds ask for)', value: `${planned} s; the rest, ${round(wall - planned, 1)} s, is rendering, start-up, the rollouts a round waits for, drain and tear-down` });
    out.push({ name: 'peak memory of one variant run (largest)', value: Math.max(...variants.map((r) => r.peakRssMiB)), unit: 'MiB' });
  }
  return out;
}
