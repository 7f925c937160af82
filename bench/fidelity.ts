// How far the embedded platform agrees with a real cluster: runs every variant of the chosen rounds
// on the local platform and on a cluster (the lab's own node by default), N times each, and prints
// one table: per verdict, the measured range and how often it held on each side, then the race
// windows both platforms produced (pod start to Ready, deletion to endpoint removal, endpoint
// removal to kube-proxy's rules, deletion to exit), measured from each run's own events.
//
//   node dist/bench/fidelity.js [--runs N] [--rounds 1,3] [--variant V] [--cluster cluster|kind]
import { parseArgs } from 'node:util';
import { findVariant } from '../scripts/scenarios/index.js';
import { platforms } from '../scripts/platforms/index.js';
import { runVariant } from '../scripts/scenarios/runner.js';
import { outcome, table } from '../scripts/report/terminal.js';
import { writeJsonReport } from '../scripts/report/json.js';
import type { RunResult } from '../scripts/model/result.js';
import type { PlatformChoice } from '../scripts/platforms/registry.js';
import type { RoundSpec, VariantSpec } from '../scripts/scenarios/spec.js';
import { raceWindows, type RaceWindow, RACE_WINDOWS } from './lib/race-windows.js';
import { selectRuns, type RunSelection } from './lib/run-selection.js';

interface Options extends RunSelection {
  cluster: string;
  firstSeed: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '1' },
      rounds: { type: 'string' },
      variant: { type: 'string' },
      cluster: { type: 'string', default: 'cluster' },
      seed: { type: 'string', default: '2000' },
    },
  });
  const selection = selectRuns(values);
  if (!platforms.find(values.cluster) || platforms.find(values.cluster)?.name === 'local') {
    throw new Error(`--cluster ${values.cluster}: expected a cluster platform (${platforms.describe()})`);
  }
  return { ...selection, cluster: values.cluster, firstSeed: Number(values.seed) };
}

/** "0.0123..0.0456 (3/3)": the measured range over the runs and how many held. */
function cell(results: RunResult[], verdict: string): string {
  const vs = results.map((r) => r.verdicts.find((v) => v.name === verdict)).filter((v) => v !== undefined);
  if (vs.length === 0) return 'n/a';
  const nums = vs.map((v) => v.measured).filter((m): m is number => typeof m === 'number');
  const r = (x: number): string => String(Math.round(x * 1000) / 1000);
  const range = nums.length === 0 ? String(vs[0].measured) : Math.min(...nums) === Math.max(...nums) ? r(nums[0]) : `${r(Math.min(...nums))}..${r(Math.max(...nums))}`;
  return `${range} (${vs.filter((v) => v.pass).length}/${vs.length})`;
}

function windowCell(results: RunResult[], w: RaceWindow): string {
  const ms = results.flatMap((r) => raceWindows(r.events)[w]);
  if (ms.length === 0) return '-';
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${Math.round(median)} (${Math.round(sorted[0])}..${Math.round(sorted[sorted.length - 1])}, n=${ms.length})`;
}

async function runAll(choice: PlatformChoice, opts: Options, round: RoundSpec, variant: VariantSpec): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const seed = opts.firstSeed + i;
    const result = await runVariant({ platform: platforms.create(choice, { seed, octet: 61 }), round, variant, seed });
    results.push(result);
    await writeJsonReport({ ...result, variant: `${result.variant}-${choice.name}-seed-${seed}` }, 'reports/fidelity');
    process.stdout.write(`round ${round.round} ${variant.name} on ${choice.name}, seed ${seed}: ${outcome(result)} in ${result.durationS.toFixed(0)} s\n`);
  }
  return results;
}

async function main(): Promise<void> {
  const opts = options();
  // Both platforms are chosen once, before the first run, so a missing cluster costs nothing.
  const localChoice = await platforms.choose('local');
  const clusterChoice = await platforms.choose(opts.cluster);
  const cluster = clusterChoice.name;
  const verdictRows: string[][] = [['round', 'variant', 'verdict', 'expected', 'local', cluster]];
  const windowRows: string[][] = [['round', 'variant', 'window (ms: median (min..max, n))', 'local', cluster]];
  const durations: string[][] = [['round', 'variant', 'local s', `${cluster} s`]];
  for (const round of opts.rounds) {
    const variants = opts.variant ? [findVariant(round, opts.variant)] : round.variants;
    for (const variant of variants) {
      const local = await runAll(localChoice, opts, round, variant);
      const real = await runAll(clusterChoice, opts, round, variant);
      for (const v of local[0].verdicts) verdictRows.push([String(round.round), variant.name, v.name, v.expected, cell(local, v.name), cell(real, v.name)]);
      for (const w of RACE_WINDOWS) {
        const l = windowCell(local, w);
        const c = windowCell(real, w);
        if (l !== '-' || c !== '-') windowRows.push([String(round.round), variant.name, w, l, c]);
      }
      const secs = (rs: RunResult[]): string => rs.map((r) => r.durationS.toFixed(0)).join(', ');
      durations.push([String(round.round), variant.name, secs(local), secs(real)]);
    }
  }
  process.stdout.write(
    [
      '',
      `fidelity over ${opts.runs} run(s) per variant and platform: measured (runs held / runs)`,
      table(verdictRows, ''),
      '',
      'race windows, from each run\'s events',
      table(windowRows, ''),
      '',
      'wall time per run',
      table(durations, ''),
      '',
    ].join('\n'),
  );
}

main().catch((err: Error) => {
  process.stderr.write(`fidelity: ${err.message.split('\n')[0]}\n`);
  process.exit(2);
});
