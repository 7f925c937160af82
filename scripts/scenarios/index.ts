// The catalogue: every round, in order, and how a person names one on the command line.
import { round1 } from './round-1-opening.js';
import { round2 } from './round-2-probe.js';
import { round3 } from './round-3-constraint.js';
import { round4 } from './round-4-curveball.js';
import { round5 } from './round-5-synthesis.js';
import type { RoundSpec, VariantSpec } from './spec.js';

export const ROUNDS: readonly RoundSpec[] = [round1, round2, round3, round4, round5];

export class UnknownScenarioError extends Error {}

/** "3", "constraint" or "3-constraint". */
export function findRound(name: string): RoundSpec {
  const key = name.trim().toLowerCase();
  const round = ROUNDS.find((r) => String(r.round) === key || r.name === key || `${r.round}-${r.name}` === key);
  if (!round) {
    throw new UnknownScenarioError(`unknown round "${name}"; rounds: ${ROUNDS.map((r) => `${r.round} (${r.name})`).join(', ')}`);
  }
  return round;
}

export function findVariant(round: RoundSpec, name: string): VariantSpec {
  const variant = round.variants.find((v) => v.name === name);
  if (!variant) {
    throw new UnknownScenarioError(`round ${round.round} has no variant "${name}"; variants: ${round.variants.map((v) => v.name).join(', ')}`);
  }
  return variant;
}
