// The simulated work behind every call: an asynchronous wait, not CPU, so one small process can hold
// many calls in flight the way a backend waiting on its own dependencies does.
import { setTimeout as sleep } from 'node:timers/promises';
import { Rng, seedFrom } from '../shared/rng.js';

/** No single draw exceeds this many times the mean: keeps a rare huge draw from dominating a short run. */
const CAP_FACTOR = 5;

export class WorkSimulator {
  private readonly rng: Rng;

  /** Each pod draws its own repeatable sequence: the same SEED and POD_NAME give the same work times. */
  constructor(
    private readonly meanMs: number,
    seed: number,
    podName: string,
  ) {
    this.rng = new Rng(seedFrom(podName, seed));
  }

  /** How long one call works: what the caller asked for, else an exponential draw around the mean. */
  durationMs(requestedMs?: number): number {
    if (requestedMs !== undefined) return requestedMs;
    return Math.min(this.rng.exponential(this.meanMs), CAP_FACTOR * this.meanMs);
  }

  /** Waits out one call's work; rejects with an AbortError as soon as the call is cancelled. */
  async run(requestedMs: number | undefined, signal: AbortSignal): Promise<void> {
    const ms = this.durationMs(requestedMs);
    if (ms > 0) await sleep(ms, undefined, { signal });
    else signal.throwIfAborted();
  }
}

/** The bytes a reply carries (round 5 compares bytes on the wire; their content does not matter). */
export function payloadOf(size: number): Buffer {
  return Buffer.alloc(size, 0x61);
}
