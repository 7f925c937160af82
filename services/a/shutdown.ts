// SIGTERM (and Ctrl-C): stop scheduling, let in-flight calls end (their deadline bounds the
// wait), close the last bucket, keep answering /stats long enough for the collector's final read,
// then exit 0.
import { logEvent } from '../shared/log.js';
import type { Accounting } from './accounting.js';
import type { Caller } from './caller.js';
import type { Generator } from './generator.js';

export interface ShutdownParts {
  pod: string;
  deadlineMs: number;
  statsLingerMs: number;
  accounting: Accounting;
  generator: Generator;
  caller: Caller;
}

export function exitOnTermination(parts: ShutdownParts): void {
  let started = false;
  const linger = new Linger();
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second signal while the books are already closed means "go now" (a lab tearing down, a
    // second Ctrl-C); during the drain it changes nothing, so no call in flight goes uncounted.
    if (started) return linger.cut();
    started = true;
    shutdown(parts, signal, linger).then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`a: shutdown failed: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** The wait after the drain that keeps /stats up for the collector's final read; cut() ends it. */
class Linger {
  private end: (() => void) | undefined;

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.end = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  cut(): void {
    this.end?.();
  }
}

async function shutdown(p: ShutdownParts, signal: NodeJS.Signals, linger: Linger): Promise<void> {
  const log = (event: string, fields?: Record<string, unknown>): void => logEvent('a', p.pod, event, fields);
  // The cut-off is taken before the line is written: a write to a slow pipe must not let calls
  // fall due between the logged time and the stop.
  const stoppedAtMs = p.generator.stopScheduling();
  log('sigterm', { signal, inFlight: p.accounting.inFlight, stoppedAtMs });
  p.accounting.stopping = true;
  const waitStart = performance.now();
  // Every call carries a deadline of DEADLINE_MS, so none outlives this wait by more than a tick.
  await p.accounting.whenIdle(p.deadlineMs);
  p.generator.halt();
  p.accounting.finish();
  p.caller.close();
  const t = p.accounting.totals;
  log('drained', {
    waitedMs: Math.round(performance.now() - waitStart),
    scheduled: t.scheduled,
    completed: t.completed,
    inFlight: t.inFlight,
    skipped: t.skipped,
    accountingOk: p.accounting.accountingOk(),
  });
  await linger.wait(p.statsLingerMs);
  log('exit', { code: 0 });
}
