// Resolves a spec's windows (anchored on the run's start, its end and step marks) to time ranges.
import type { Anchor, WindowSpec } from '../model/spec.js';
import type { TimeRange } from './run-data.js';

export interface RunClock {
  t0: number;
  tEnd: number;
  marks: Record<string, number>;
}

export class WindowError extends Error {}

export function anchorTime(anchor: Anchor, clock: RunClock): number {
  if (anchor === 'start') return clock.t0;
  if (anchor === 'end') return clock.tEnd;
  const t = clock.marks[anchor.mark];
  if (t === undefined) throw new WindowError(`no step marks "${anchor.mark}"`);
  return t + (anchor.plusS ?? 0) * 1000;
}

export function resolveWindow(w: WindowSpec, clock: RunClock): TimeRange {
  return { from: anchorTime(w.from, clock), to: anchorTime(w.to, clock) };
}

/** Every window that can be resolved with the marks set so far (live views read a partial run). */
export function resolveWindows(windows: Record<string, WindowSpec>, clock: RunClock): Record<string, TimeRange> {
  const out: Record<string, TimeRange> = {};
  for (const [name, w] of Object.entries(windows)) {
    try {
      const range = resolveWindow(w, clock);
      if (range.to > range.from) out[name] = range;
    } catch (err) {
      if (!(err instanceof WindowError)) throw err;
    }
  }
  return out;
}
