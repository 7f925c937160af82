// A's own timer loop (services/a/generator.ts) on A's seeded Poisson schedule, with how late each
// arrival started recorded per second, the way A's buckets record it. The load generator
// benchmark's references run it with one call per arrival (bench/bare-open-loop.ts) or with
// nothing at all (bench/timer-baseline.ts).
import hdr from 'hdr-histogram-js';
import { Generator } from '../../services/a/generator.js';
import { PoissonSchedule } from '../../services/a/schedule.js';

export interface ScheduleLoopOptions {
  rate: number;
  seed: number;
  /** Arrivals in the first warmupMs start but are not measured. */
  warmupMs: number;
  /** Whole seconds measured after the warm-up. */
  seconds: number;
  onArrival?: () => void;
}

export interface ScheduleLoopResult {
  /** Arrivals started in the measured seconds. */
  started: number;
  lagP99PerSecondMs: number[];
  lagMaxMs: number;
}

export function runScheduleLoop(o: ScheduleLoopOptions): Promise<ScheduleLoopResult> {
  return new Promise((resolve) => {
    const lagUs = hdr.build({ numberOfSignificantValueDigits: 3 });
    const lagP99PerSecondMs: number[] = [];
    const endMs = o.warmupMs + o.seconds * 1000;
    let nextSecondMs = o.warmupMs + 1000;
    let started = 0;
    let lagMaxMs = 0;
    let done = false;
    const origin = performance.now();
    const elapsed = (): number => performance.now() - origin;
    const arrival = (lagMs: number): void => {
      if (done) return;
      o.onArrival?.();
      if (elapsed() < o.warmupMs) return;
      started++;
      lagUs.recordValue(Math.round(lagMs * 1000));
      lagMaxMs = Math.max(lagMaxMs, lagMs);
    };
    const tick = (): void => {
      const now = elapsed();
      if (now < nextSecondMs) return;
      lagP99PerSecondMs.push(lagUs.getValueAtPercentile(99) / 1000);
      lagUs.reset();
      nextSecondMs += 1000;
      if (now < endMs) return;
      done = true;
      // After this tick returns: the generator arms its next timer at the end of every tick.
      queueMicrotask(() => generator.halt());
      resolve({ started, lagP99PerSecondMs, lagMaxMs });
    };
    const generator = new Generator(new PoissonSchedule(o.rate, o.seed), arrival, tick);
    generator.start();
  });
}
