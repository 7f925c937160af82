// The live terminal view: on a TTY it redraws one frame in place (log-update); in CI or when the
// output is piped it prints one plain line per second instead, so logs stay readable.
import { createLogUpdate } from 'log-update';
import type { LiveSnapshot, LiveView, RunInfo } from '../model/live.js';
import type { LabEvent } from '../model/events.js';
import type { RunResult, VerdictResult } from '../model/result.js';
import { toViewEvent } from '../report/describe-event.js';
import { monotonicNow } from '../model/clock.js';
import type { StepControl } from './step-control.js';
import { renderFrame, renderPlainLine, MAX_WIDTH } from './terminal-render.js';

export interface TerminalViewOptions {
  /** Step mode: shows "press Enter" while the engine waits on this control. */
  control?: StepControl;
  /** Defaults to process.env; `CI` set forces plain lines, `NO_COLOR` drops colours. */
  env?: NodeJS.ProcessEnv;
}

const KEEP_EVENTS = 200;
const EVENT_REDRAW_MS = 100;

/** True when the view may redraw in place: a TTY and not in CI. */
export function canRedraw(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean((stream as NodeJS.WriteStream).isTTY) && !env.CI;
}

export function createTerminalView(stream: NodeJS.WritableStream, options: TerminalViewOptions = {}): LiveView {
  const env = options.env ?? process.env;
  return canRedraw(stream, env) ? liveTerminal(stream as NodeJS.WriteStream, env, options.control) : plainLines(stream, options.control);
}

function liveTerminal(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv, control?: StepControl): LiveView {
  const draw = createLogUpdate(stream);
  let info: RunInfo | null = null;
  let snapshot: LiveSnapshot | null = null;
  let verdicts: VerdictResult[] | undefined;
  let events: LabEvent[] = [];
  let waiting: string | null = null;
  // s = 0 is the run's t0, which every snapshot carries; until the first one, when start() came.
  let zeroMs = monotonicNow();
  let servingApps = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  // after finish() the final frame stays as it is: teardown events must not draw a new one below
  let idle = false;
  let shown = false;
  const passThrough = keepFrameBelowOtherOutput(stream, {
    isShown: () => shown,
    clear: () => draw.clear(),
    redraw: () => redraw(),
  });

  const redraw = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (idle) return;
    const lines = renderFrame(
      { info, snapshot, events: events.map((e) => toViewEvent(e, zeroMs)), waiting, verdicts, servingApps },
      { width: Math.min(MAX_WIDTH, stream.columns ?? MAX_WIDTH), height: stream.rows ?? 24, color: !env.NO_COLOR },
    );
    passThrough(() => draw(lines.join('\n')));
    shown = true;
  };
  // a burst of events (a rollout of 20 pods) redraws once, not 20 times
  const redrawSoon = () => {
    if (!timer) timer = setTimeout(redraw, EVENT_REDRAW_MS).unref();
  };
  const unsubscribe = control?.onChange((title) => {
    waiting = title;
    redraw();
  });
  stream.on('resize', redraw);

  return {
    start(next) {
      info = next;
      snapshot = null;
      verdicts = undefined;
      events = [];
      servingApps = new Set();
      zeroMs = monotonicNow();
      idle = false;
      redraw();
    },
    update(next) {
      snapshot = next;
      zeroMs = next.t0;
      for (const pod of next.pods) if (pod.okPerSec > 0) servingApps.add(pod.app);
      redraw();
    },
    event(e: LabEvent) {
      events.push(e);
      if (events.length > KEEP_EVENTS) events = events.slice(-KEEP_EVENTS);
      redrawSoon();
    },
    finish(result: RunResult) {
      verdicts = result.verdicts;
      redraw();
      idle = true;
      shown = false;
      draw.done(); // keeps the final frame on screen; the next variant draws below it
    },
    async close() {
      unsubscribe?.();
      stream.off('resize', redraw);
      passThrough.restore();
      if (idle) return;
      if (timer) redraw();
      idle = true;
      shown = false;
      draw.done();
    },
  };
}

/**
 * The engine keeps printing its own lines (progress, the results table) while the frame is on
 * screen: each such write first erases the frame, then the frame is drawn again below it, so the
 * log scrolls above a frame that stays at the bottom.
 */
function keepFrameBelowOtherOutput(
  stream: NodeJS.WriteStream,
  frame: { isShown: () => boolean; clear: () => void; redraw: () => void },
): ((ownWrite: () => void) => void) & { restore: () => void } {
  const original = stream.write;
  let own = false;
  const passThrough = (ownWrite: () => void) => {
    own = true;
    try {
      ownWrite();
    } finally {
      own = false;
    }
  };
  stream.write = function (this: NodeJS.WriteStream, ...args: unknown[]): boolean {
    const write = () => (original as (...a: unknown[]) => boolean).apply(stream, args);
    if (own || !frame.isShown()) return write();
    passThrough(frame.clear);
    const ok = write();
    frame.redraw();
    return ok;
  } as typeof stream.write;
  return Object.assign(passThrough, { restore: () => void (stream.write = original) });
}

function plainLines(stream: NodeJS.WritableStream, control?: StepControl): LiveView {
  let zeroMs = monotonicNow();
  let pending: LabEvent[] = [];
  const say = (line: string) => stream.write(`${line}\n`);
  const unsubscribe = control?.onChange((title) => {
    if (title !== null) say(`waiting for "Next" to run: ${title}`);
  });
  return {
    start(info) {
      zeroMs = monotonicNow();
      pending = [];
      say(`round ${info.round} ${info.roundName}, variant ${info.variant} on ${info.platform}: ${info.symptom}`);
    },
    update(snapshot) {
      zeroMs = snapshot.t0;
      say(renderPlainLine(snapshot, pending.map((e) => toViewEvent(e, zeroMs))));
      pending = [];
    },
    event(e) {
      pending.push(e);
    },
    finish(result) {
      const held = result.verdicts.filter((v) => v.pass).length;
      say(`round ${result.round} ${result.variant}: ${held} of ${result.verdicts.length} verdicts hold`);
    },
    async close() {
      unsubscribe?.();
    },
  };
}
