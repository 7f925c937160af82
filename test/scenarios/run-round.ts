// Runs every variant of a round on the local platform, as `make test` does in CI, and fails with
// the verdicts that did not hold: a broken variant that stopped reproducing its failure fails too.
import { expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { LocalPlatform } from '../../scripts/platforms/local/local-platform.js';
import type { RunResult } from '../../scripts/model/result.js';
import { PROJECT_ROOT } from '../../services/shared/project-root.js';
import { runVariant } from '../../scripts/scenarios/runner.js';
import type { RoundSpec } from '../../scripts/scenarios/spec.js';
import { oneLabAtATime } from '../helpers/lab-lock.js';

/** Generous: a variant takes 13-27 s alone, and may first wait for another file's variant. */
export const VARIANT_TIMEOUT_MS = 180_000;

export function failedVerdicts(result: RunResult): string[] {
  return result.verdicts.filter((v) => !v.pass).map((v) => `${v.name}: measured ${String(v.measured)}, expected ${v.expected}`);
}

/**
 * One test per variant. Each file has its own lab address block (127.OCTET.0.0/16) so files can
 * run side by side; the seed is random (LAB_TEST_SEED fixes it) and named in any failure, so a
 * verdict that holds only for lucky seeds shows up instead of hiding behind one.
 */
export function testEveryVariant(round: RoundSpec, octet: number, check?: (result: RunResult) => void): void {
  for (const variant of round.variants) {
    it(`${variant.name}: every verdict holds`, async () => {
      const seed = process.env.LAB_TEST_SEED ? Number(process.env.LAB_TEST_SEED) : randomInt(1, 2 ** 31);
      const platform = new LocalPlatform({ octet, seed });
      const result = await oneLabAtATime(() => runVariant({ platform, round, variant, seed, root: PROJECT_ROOT }));
      expect({ seed, failed: failedVerdicts(result) }).toEqual({ seed, failed: [] });
      expect(result.accounting.holds).toBe(true);
      // A floor far below every round's load (round 2, the lightest, counts 60 calls/s over a main
      // window of about 8 s: 460-500 calls): no load, no proof.
      expect(result.calls).toBeGreaterThan(250);
      check?.(result);
    }, VARIANT_TIMEOUT_MS);
  }
}
