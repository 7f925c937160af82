// The one clock of a run: events, samples and windows all stamp time with it, so they line up.

/** Unix ms from a monotonic source: never goes backwards while the orchestrator runs. */
export function monotonicNow(): number {
  return performance.timeOrigin + performance.now();
}
