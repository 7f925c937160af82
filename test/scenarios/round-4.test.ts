import { describe } from 'vitest';
import { round4 } from '../../scripts/scenarios/round-4-curveball.js';
import { testEveryVariant } from './run-round.js';

describe(`round 4 (${round4.name}) on the local platform`, () => {
  testEveryVariant(round4, 234);
});
