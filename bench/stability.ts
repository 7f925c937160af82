// How reliably each variant's verdicts hold: runs every variant of the chosen rounds N times (each
// run with its own seed) and prints, per verdict, how many runs it held in, plus the spread of the
// headline figures. A broken variant must reproduce its failure every time, a fixed one must be
// clean every time: anything below N/N here is a flaky lesson.
//
//   node dist/bench/stability.js [--runs N] [--rounds 1,3] [--variant V] [--platform local|cluster|kind]
import { parseArgs } from 'node:util';
import { findVariant } from '../scripts/scenarios/index.js';
import { platforms } from '../scripts/platforms/index.js';
import type { PlatformChoice } from '../scripts/platforms/registry.js';
import { runVariant } from '../scripts/scenarios/runner.js';
import { outcome, table } from '../scripts/report/terminal.js';
import { writeJsonReport } from '../scripts/report/json.js';
import type { RunResult } from '../scripts/model/result.js';
import type { RoundSpec, VariantSpec } from '../scripts/scenarios/spec.js';
import { selectRuns, type RunSelection } from './lib/run-selection.js';

interface Options extends RunSelection {
  /** A registered platform's name or alias. */
  platform: string;
  firstSeed: number;
  octet: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10' },
      rounds: { type: 'string' },
      variant: { type: 'string' },
      platform: { type: 'string', default: 'local' },
      seed: { type: 'string', default: '1000' },
      // Its own addresses (127.60.0.0/16), so a lab run or a test on the same machine never collides.
      octet: { type: 'string', default: '60' },
    },
  });
  const selection = selectRuns(values);
  if (!platforms.find(values.platform)) throw new Error(`--platform ${values.platform}: expected ${platforms.describe()}`);
  return { ...selection, platform: values.platform, firstSeed: Number(values.seed), octet: Number(values.octet) };
}

const fmt = (xs: number[], digits = 2): string => {
  if (xs.length === 0) return 'n/a';
  const r = (x: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
  return `${r(Math.min(...xs))}..${r(Math.max(...xs))}`;
};

function summarise(round: RoundSpec, variant: VariantSpec, results: RunResult[]): string {
  const names = results[0]?.verdicts.map((v) => v.name) ?? [];
  const rows = names.map((name) => {
    const vs = results.map((r) => r.verdicts.find((v) => v.name === name)!);
    const measured = vs.map((v) => v.measured).filter((m): m is number => typeof m === 'number');
    return [name, `${vs.filter((v) => v.pass).length}/${results.length}`, fmt(measured, 3)];
  });
  const figures = [
    `UNAVAILABLE ${fmt(results.map((r) => r.unavailableRate * 100))}%`,
    `p99 ${fmt(results.map((r) => r.latencyMs.p99 ?? NaN).filter(Number.isFinite), 0)} ms`,
    `pods ${fmt(results.map((r) => r.podsWithTraffic), 0)}`,
    `B/A ${fmt(results.flatMap((r) => (r.attemptsPerCall === null ? [] : [r.attemptsPerCall])))}`,
    `duration ${fmt(results.map((r) => r.durationS), 1)} s`,
    // A verdict that held in a run whose load generator fell behind proves less than it says.
    `A lag p99 ${fmt(results.map((r) => r.scheduleLag.lagMs.p99 ?? NaN).filter(Number.isFinite), 1)} ms`,
    `trusted ${results.filter((r) => r.trusted).length}/${results.length}`,
  ].join(', ');
  return [`round ${round.round} ${variant.name}: ${figures}`, table([['verdict', 'held', 'measured (min..max)'], ...rows], '    ')].join('\n');
}

async function main(): Promise<void> {
  const opts = options();
  const choice: PlatformChoice = await platforms.choose(opts.platform);
  const lines: string[] = [];
  let allHeld = true;
  for (const round of opts.rounds) {
    const variants = opts.variant ? [findVariant(round, opts.variant)] : round.variants;
    for (const variant of variants) {
      const results: RunResult[] = [];
      for (let i = 0; i < opts.runs; i++) {
        const seed = opts.firstSeed + i;
        const platform = platforms.create(choice, { seed, octet: opts.octet });
        const result = await runVariant({ platform, round, variant, seed });
        results.push(result);
        // A failed or untrusted run is the one worth reading in full: keep its report, named by its seed.
        if (!result.pass || !result.trusted) await writeJsonReport({ ...result, variant: `${result.variant}-seed-${seed}` }, 'reports/stability');
        process.stdout.write(`round ${round.round} ${variant.name} seed ${seed}: ${outcome(result)} ` +
          `${result.verdicts.filter((v) => !v.pass).map((v) => `[${v.name}: ${String(v.measured)}]`).join(' ')}\n`);
      }
      allHeld &&= results.every((r) => r.pass);
      const summary = summarise(round, variant, results);
      lines.push(summary);
      process.stdout.write(`${summary}\n`);
    }
  }
  process.stdout.write(`\nstability over ${opts.runs} run(s) per variant:\n${lines.join('\n')}\n`);
  process.exit(allHeld ? 0 : 1);
}

main().catch((err: Error) => {
  process.stderr.write(`stability: ${err.message.split('\n')[0]}\n`);
  process.exit(2);
});
