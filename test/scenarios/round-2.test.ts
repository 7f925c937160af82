import { describe } from 'vitest';
import { round2 } from '../../scripts/scenarios/round-2-probe.js';
import { testEveryVariant } from './run-round.js';

describe(`round 2 (${round2.name}) on the local platform`, () => {
  testEveryVariant(round2, 232);
});
