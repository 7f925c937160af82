import { describe } from 'vitest';
import { round3 } from '../../scripts/scenarios/round-3-constraint.js';
import { testEveryVariant } from './run-round.js';

describe(`round 3 (${round3.name}) on the local platform`, () => {
  testEveryVariant(round3, 233);
});
