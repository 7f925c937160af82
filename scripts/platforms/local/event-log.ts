// The platform's timeline: every emulated step is appended here, in order, and handed to the
// subscribers (the collector, a live view). A subscriber that throws must not leave a pod half
// started or half stopped, so its error becomes a process warning instead of unwinding into the
// platform.
import { monotonicNow } from '../../model/clock.js';
import { type LabEvent } from '../../model/events.js';

export type EventInput = Omit<LabEvent, 't'> & { t?: number };

export class EventLog {
  private readonly all: LabEvent[] = [];
  private readonly listeners = new Set<(event: LabEvent) => void>();

  /** Appends an event; `t` defaults to now on the monotonic clock. */
  readonly emit = (input: EventInput): void => {
    const event: LabEvent = { ...input, t: input.t ?? monotonicNow() };
    this.all.push(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        process.emitWarning(`a lab event listener failed: ${(err as Error).message}`);
      }
    }
  };

  subscribe(listener: (event: LabEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  events(): LabEvent[] {
    return [...this.all];
  }

  clear(): void {
    this.all.length = 0;
  }
}
