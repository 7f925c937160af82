// The open-loop schedule: Poisson arrivals drawn ahead of time from a seeded generator. Nothing a
// response does can move an arrival, which is what keeps a slow backend from hiding its errors
// (no coordinated omission).
import { Rng, seedFrom } from '../shared/rng.js';

export class PoissonSchedule {
  private readonly rng: Rng;
  private readonly meanGapMs: number;
  /** Offset of the next arrival from the start of the schedule, ms (Infinity at rate 0). */
  next: number;

  constructor(ratePerSecond: number, seed: number) {
    this.rng = new Rng(seed);
    this.meanGapMs = ratePerSecond > 0 ? 1000 / ratePerSecond : Infinity;
    this.next = this.gap();
  }

  /** Moves to the following arrival. */
  advance(): void {
    this.next += this.gap();
  }

  private gap(): number {
    return this.meanGapMs === Infinity ? Infinity : this.rng.exponential(this.meanGapMs);
  }
}

/** Each pod draws its own sequence from the run's seed, so two A pods never fire in lockstep. */
export function scheduleSeed(podName: string, seed: number): number {
  return seedFrom(podName, seed);
}

/** How many arrivals a schedule places in [0, windowMs]: what a run of that length must start. */
export function arrivalsWithin(ratePerSecond: number, seed: number, windowMs: number): number {
  const schedule = new PoissonSchedule(ratePerSecond, seed);
  let n = 0;
  for (; schedule.next <= windowMs; schedule.advance()) n++;
  return n;
}
