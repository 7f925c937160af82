// What the repeating benchmarks (stability, fidelity) run: how many times, which rounds, which
// variant, read from their --runs, --rounds and --variant flags, each checked before anything runs.
import { ROUNDS, findRound, findVariant } from '../../scripts/scenarios/index.js';
import type { RoundSpec } from '../../scripts/scenarios/spec.js';

export interface RunSelection {
  runs: number;
  rounds: RoundSpec[];
  variant?: string;
}

export function selectRuns(values: { runs: string; rounds?: string; variant?: string }): RunSelection {
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: expected a whole number >= 1`);
  const rounds = values.rounds ? values.rounds.split(',').map((r) => findRound(r)) : [...ROUNDS];
  if (values.variant) for (const r of rounds) findVariant(r, values.variant);
  return { runs, rounds, variant: values.variant };
}
