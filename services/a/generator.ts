// The one timer loop of service A. It wakes at the next arrival or the next wall-clock second,
// whichever comes first: it starts every call that is due (all at once when it woke late, passing
// on how late each one is) and lets the accounting close the second that ended.
import type { PoissonSchedule } from './schedule.js';

export type Dispatch = (lagMs: number) => void;

export class Generator {
  private origin = 0;
  private startedAtMs = 0;
  private scheduling = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly schedule: PoissonSchedule,
    private readonly dispatch: Dispatch,
    /** Called on every wake-up, before calls start: closes the buckets of seconds that ended. */
    private readonly onTick: () => void,
  ) {}

  /** Starts the schedule; returns its origin in wall-clock milliseconds. */
  start(): number {
    this.origin = performance.now();
    this.startedAtMs = Date.now();
    this.scheduling = true;
    this.tick();
    return this.startedAtMs;
  }

  /**
   * No more calls; the loop keeps ticking once a second so buckets still close during the drain.
   * Returns the cut-off in wall-clock ms: every call due up to it started, none after it.
   */
  stopScheduling(): number {
    // Calls that fell due before the stop still start: a starved process can see the signal before
    // the timer that was due first, and the schedule up to the stop must stay whole.
    const cutoff = performance.now() - this.origin;
    if (this.scheduling) this.startDue(cutoff);
    this.scheduling = false;
    return Math.round(this.startedAtMs + cutoff);
  }

  /** Ends the loop. */
  halt(): void {
    this.scheduling = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private startDue(now = performance.now() - this.origin): void {
    const { schedule, origin } = this;
    while (schedule.next <= now) {
      // Each call's own start time: in a burst, the last call really starts later than the first.
      this.dispatch(performance.now() - origin - schedule.next);
      schedule.advance();
    }
  }

  private readonly tick = (): void => {
    this.onTick();
    if (this.scheduling) this.startDue();
    const toNextSecond = 1000 - (Date.now() % 1000);
    const toNextCall = this.scheduling ? this.schedule.next - (performance.now() - this.origin) : Infinity;
    // Node rounds a sub-millisecond delay up to 1 ms: at high rates each wake-up starts a handful
    // of calls, each with its own lag, rather than spinning.
    this.timer = setTimeout(this.tick, Math.max(0, Math.min(toNextSecond, toNextCall)));
  };
}
