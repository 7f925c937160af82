// What the live views see while a variant runs: the last second's picture and the verdicts over the
// run so far, judged by the same evaluation the final result uses (measure/evaluate.ts).
import { monotonicNow } from '../model/clock.js';
import type { LiveSnapshot } from '../model/live.js';
import type { PlatformTraits } from '../model/traits.js';
import type { Collector } from '../measure/collector.js';
import { evaluateRun } from '../measure/evaluate.js';
import { buildSnapshot } from '../measure/snapshot.js';
import type { RunClock } from '../measure/windows.js';
import { windowsOf, type RoundSpec, type VariantSpec } from './spec.js';

export class LiveState {
  step: LiveSnapshot['step'] = null;

  constructor(
    private readonly round: RoundSpec,
    private readonly variant: VariantSpec,
    private readonly traits: PlatformTraits,
    private readonly clock: RunClock,
    private readonly collector: Collector,
  ) {}

  snapshot(): LiveSnapshot {
    const now = monotonicNow();
    // The run so far ends now: a trainer sees a failure the moment it is measured.
    const data = this.collector.runData({ ...this.clock, tEnd: now }, []);
    const { verdicts } = evaluateRun({ data, windows: windowsOf(this.round, this.variant), verdicts: this.variant.verdicts, traits: this.traits, final: false });
    return buildSnapshot({
      round: this.round.round,
      variant: this.variant.name,
      t0: this.clock.t0,
      now,
      clients: data.clients,
      pods: data.pods,
      step: this.step,
      verdicts,
    });
  }
}
