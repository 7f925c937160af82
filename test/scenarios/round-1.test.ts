import { describe } from 'vitest';
import { round1 } from '../../scripts/scenarios/round-1-opening.js';
import { testEveryVariant } from './run-round.js';

describe(`round 1 (${round1.name}) on the local platform`, () => {
  testEveryVariant(round1, 231);
});
