// Where s = 0 is on the events' clock. The engine may call start() well before the load starts
// (while the platform brings pods up), so the zero comes from the snapshots themselves: a
// snapshot made at time T says s, hence zero = T - s. Delivery only delays T, so the smallest
// estimate is the best one.
import type { LiveSnapshot } from '../measure/live.js';
import { monotonicNow } from '../model/clock.js';

const NOISE_MS = 20;

export class RunZero {
  private zero = monotonicNow();
  private anchored = false;

  /** Unix ms of s = 0 (until the first snapshot: when start() was called). */
  get ms(): number {
    return this.zero;
  }

  reset(): void {
    this.zero = monotonicNow();
    this.anchored = false;
  }

  /** Refines the zero from a snapshot just received; true when it moved noticeably. */
  observe(snapshot: LiveSnapshot, now = monotonicNow()): boolean {
    const candidate = now - snapshot.s * 1000;
    if (this.anchored && candidate >= this.zero) return false;
    const moved = !this.anchored || this.zero - candidate > NOISE_MS;
    this.zero = candidate;
    this.anchored = true;
    return moved;
  }
}
