// Step mode: one gate the engine awaits before each timeline action, opened by whichever the
// trainer uses first: Enter in the terminal or "Next" on the dashboard. Both triggers call
// next() on the same StepControl, so one press never advances two steps.
import type { StepGate } from '../model/live.js';

export class StepControl implements StepGate {
  private pending: { title: string; resolve: () => void } | null = null;
  private readonly listeners = new Set<(waiting: string | null) => void>();

  /** Title of the action the engine waits to run, or null when it is not waiting. */
  get waiting(): string | null {
    return this.pending?.title ?? null;
  }

  waitForNext(title: string): Promise<void> {
    if (this.pending) return Promise.reject(new Error(`step gate already waiting for "${this.pending.title}"`));
    return new Promise<void>((resolve) => {
      this.pending = { title, resolve };
      this.emit();
    });
  }

  /** Opens the gate, from Enter or "Next"; false when the engine was not waiting (a late or double press). */
  next(): boolean {
    const pending = this.pending;
    if (!pending) return false;
    this.pending = null;
    pending.resolve();
    this.emit();
    return true;
  }

  /** Calls the listener with the waiting title now and on every change; returns unsubscribe. */
  onChange(listener: (waiting: string | null) => void): () => void {
    this.listeners.add(listener);
    listener(this.waiting);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.waiting);
  }
}

/** Raised for what a trainer must fix (a taken port, step mode with no way to step): one line. */
export class ViewError extends Error {}
