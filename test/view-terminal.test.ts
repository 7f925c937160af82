// The terminal view: the pure frame render (layout, widths, words), the plain-line fallback, the
// in-place redraw, and, in a real terminal (tmux), Enter opening the step gate.
import { execFileSync, spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LivePod, LiveSnapshot } from '../scripts/model/live.js';
import { foldEvents, toViewEvent, type ViewEvent } from '../scripts/report/describe-event.js';
import { renderFrame, renderPlainLine, type FrameInput } from '../scripts/view/terminal-render.js';
import { createTerminalView } from '../scripts/view/terminal-view.js';
import { PROJECT_ROOT } from './helpers/processes.js';
import { requireTool } from './helpers/required-tool.js';
import { eventsAt, INFO, resultOf, ROLLOUT_AT, snapshotAt } from './helpers/view-synthetic-run.js';

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const plain = (lines: string[]) => lines.map((l) => l.replace(ANSI, ''));

function pods(n: number, opts: { newFrom?: number; nameLength?: number } = {}): LivePod[] {
  return Array.from({ length: n }, (_, i) => {
    const isNew = opts.newFrom !== undefined && i >= opts.newFrom;
    const name = `b-${'7f9c8d6b5'.slice(0, Math.max(1, (opts.nameLength ?? 14) - 8))}-${String(i).padStart(5, 'x')}`;
    return { name, app: 'b', state: isNew ? 'Pending' : 'Ready', isNew, okPerSec: isNew ? 0 : 100 + i, share: isNew ? 0 : 1 / (opts.newFrom ?? n) };
  });
}

function snapshot(p: LivePod[], rates = { ok: 1000, unavailable: 0, cancelled: 0, other: 0 }): LiveSnapshot {
  return { round: 4, variant: 'broken', t0: START, s: 31, rates, pods: p, step: { index: 2, total: 3, title: 'Scale B to 20', narration: 'New pods join DNS, but A never asks again.' }, verdicts: [] };
}

const START = 1_000_000;
const ticker: ViewEvent[] = [
  toViewEvent({ t: START + 30_000, type: 'scaled', deployment: 'b', detail: 'replicas 10 -> 20' }, START),
  toViewEvent({ t: START + 30_200, type: 'sigterm-sent', pod: 'b-1' }, START),
  toViewEvent({ t: START + 30_300, type: 'sigterm-sent', pod: 'b-2' }, START),
  toViewEvent({ t: START + 30_400, type: 'sigterm-sent', pod: 'b-3' }, START),
  toViewEvent({ t: START + 30_900, type: 'endpoint-removed', pod: 'b-1', view: 'proxy' }, START),
];
const input = (p: LivePod[], extra: Partial<FrameInput> = {}): FrameInput => ({
  info: { ...INFO, round: 4, roundName: 'curveball', variant: 'broken' },
  snapshot: snapshot(p),
  events: ticker,
  waiting: null,
  ...extra,
});


describe('terminal frame (pure render)', () => {
  it('shows one row per pod with state, a bar, calls/s and share, within 100 columns', () => {
    const frame = plain(renderFrame(input(pods(10)), { width: 120, height: 40, color: false }));
    for (const line of frame) expect(line.length).toBeLessThanOrEqual(100);
    const rows = frame.filter((l) => l.includes('b-7f9c8d-'));
    expect(rows).toHaveLength(10);
    expect(rows[9]).toMatch(/Ready\s+█+\s+109\s+10\.0%$/);
    expect(frame[0]).toBe('round 4 curveball · broken · local · t=31s');
    expect(frame).toContain('step 2/3 Scale B to 20: New pods join DNS, but A never asks again.');
    expect(frame.some((l) => /^OK 1000\/s\s+UNAVAILABLE 0\/s\s+CANCELLED 0\/s\s+other 0\/s\s+errors 0%$/.test(l))).toBe(true);
  });

  it('tells the events in plain words, folding a burst into one line', () => {
    const frame = plain(renderFrame(input(pods(10)), { width: 100, height: 40, color: false }));
    const events = frame.slice(frame.indexOf('events') + 1);
    expect(events).toEqual([
      '   30.0s b scaled (replicas 10 -> 20)',
      '   30.2s SIGTERM sent to b-1, b-2 +1',
      "   30.9s b-1 removed from kube-proxy's rules",
    ]);
  });

  it('keeps 20 pods on one row each when the terminal is tall enough, and marks the new ones', () => {
    const frame = plain(renderFrame(input(pods(20, { newFrom: 10 })), { width: 100, height: 40, color: false }));
    expect(frame.length).toBeLessThanOrEqual(39);
    const rows = frame.filter((l) => l.includes('b-7f9c8d-'));
    expect(rows).toHaveLength(20);
    expect(rows.filter((l) => /\bnew\s+Pending\b/.test(l))).toHaveLength(10);
  });

  it('puts two pods per row in a 24-line terminal, every pod still shown', () => {
    const p = pods(20, { newFrom: 10 });
    const frame = plain(renderFrame(input(p), { width: 100, height: 24, color: false }));
    expect(frame.length).toBeLessThanOrEqual(23);
    for (const line of frame) expect(line.length).toBeLessThanOrEqual(100);
    for (const pod of p) expect(frame.join('\n')).toContain(pod.name);
    expect(frame.filter((l) => l.includes('+ Pend'))).toHaveLength(5);
  });

  it('names how many pods it could not show when even two per row do not fit', () => {
    const frame = plain(renderFrame(input(pods(20, { newFrom: 10 })), { width: 100, height: 14, color: false }));
    expect(frame.length).toBeLessThanOrEqual(13);
    expect(frame.some((l) => /^… and \d+ more pods: \d+ Pending$/.test(l))).toBe(true);
  });

  it('cuts long pod names in the middle so the suffix that tells pods apart stays', () => {
    const p = [{ ...pods(1)[0], name: 'backend-deployment-7f9c8d6b5-abcde' }];
    const frame = plain(renderFrame(input(p), { width: 80, height: 30, color: false }));
    for (const line of frame) expect(line.length).toBeLessThanOrEqual(80);
    expect(frame.some((l) => l.includes('…-abcde'))).toBe(true);
  });

  it('wraps the narration onto two lines at most', () => {
    const narration = 'The new pods join DNS within seconds, but A never asks DNS again, so they get nothing until a connection breaks and the channel resolves the name once more.';
    const snap = { ...snapshot(pods(2)), step: { index: 2, total: 3, title: 'Scale B to 20', narration } };
    const frame = plain(renderFrame(input(pods(2), { snapshot: snap }), { width: 60, height: 30, color: false }));
    expect(frame[1]).toBe('step 2/3 Scale B to 20: The new pods join DNS within');
    expect(frame[2].endsWith('…')).toBe(true);
    expect(frame[2].length).toBe(60);
    expect(frame[3]).toMatch(/^OK /);
  });

  it('shows errors in red and the step prompt while the engine waits', () => {
    const lines = renderFrame(input(pods(3), { snapshot: snapshot(pods(3), { ok: 950, unavailable: 50, cancelled: 0, other: 0 }), waiting: 'Scale B to 20' }), { width: 100, height: 30, color: true });
    expect(lines.find((l) => l.includes('UNAVAILABLE 50/s'))).toContain('\x1b[31;1mUNAVAILABLE 50/s\x1b[0m');
    expect(plain(lines)).toContain(' ▶ press Enter to run: Scale B to 20');
    expect(plain(lines).join('\n')).toContain('errors 5.0%');
  });

  it('says it in one plain line per second for logs', () => {
    const line = renderPlainLine(snapshot(pods(4, { newFrom: 2 }), { ok: 990, unavailable: 10, cancelled: 0, other: 0 }), ticker);
    expect(line).toBe(
      '[  31s] round 4 broken: OK 990/s, UNAVAILABLE 10/s, CANCELLED 0/s, other 0/s (1.0% errors); traffic on 2/4 pods, busiest 50.0%' +
        "; step 2/3 Scale B to 20; events: b scaled (replicas 10 -> 20); SIGTERM sent to b-1, b-2, b-3; b-1 removed from kube-proxy's rules",
    );
  });

  it('gives the backend\'s pods rows and puts the callers on one line', () => {
    const caller: LivePod = { name: 'service-a-5445c4d587-zs56q', app: 'a', state: 'Ready', isNew: false, okPerSec: 0, share: 0 };
    const frame = plain(renderFrame(input([...pods(3), caller], { servingApps: new Set(['b']) }), { width: 100, height: 30, color: false }));
    expect(frame.filter((l) => /^ b-7f9c8d-/.test(l))).toHaveLength(3);
    expect(frame).toContain('callers: service-a-5445c4d587-zs56q Ready');
  });

  it('folds events whose details differ (each pod its own address)', () => {
    const added = (t: number, pod: string) => toViewEvent({ t: START + t, type: 'endpoint-added', pod, view: 'proxy', detail: `127.10.1.${t}` }, START);
    expect(foldEvents([added(1, 'b-1'), added(2, 'b-2'), added(3, 'b-3')]).map((l) => l.text)).toEqual(["b-1, b-2 +1 added to kube-proxy's rules"]);
    expect(foldEvents([added(1, 'b-1')]).map((l) => l.text)).toEqual(["b-1 added to kube-proxy's rules (127.10.1.1)"]);
  });

  it('folds only events of the same kind within a second', () => {
    const e = (t: number, pod: string, view: 'proxy' | 'dns') => toViewEvent({ t: START + t, type: 'endpoint-removed', pod, view }, START);
    expect(foldEvents([e(0, 'a', 'proxy'), e(100, 'b', 'proxy'), e(200, 'a', 'dns'), e(3000, 'c', 'proxy')]).map((l) => l.text)).toEqual([
      "a, b removed from kube-proxy's rules",
      'a removed from DNS answers',
      "c removed from kube-proxy's rules",
    ]);
  });
});

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY: boolean, readonly columns = 100, readonly rows = 30) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('terminal view', () => {
  it('places events on the time axis with the t0 the snapshots carry, not with when they arrived', async () => {
    const out = new Capture(true, 100, 30);
    const view = createTerminalView(out, { env: {} });
    // Long before this process started: a view that guessed s = 0 from arrival times would be minutes off.
    const t0 = 1_000_000;
    view.start(INFO);
    view.event({ t: t0 + 2_500, type: 'scaled', deployment: 'b', detail: 'replicas 5 -> 10' });
    view.update(snapshotAt(3, t0));
    await view.close();
    expect(out.text.replace(ANSI, '')).toMatch(/\s2\.5s b scaled \(replicas 5 -> 10\)/);
  });

  it('prints one plain line per second when the output is not a terminal', async () => {
    const out = new Capture(false);
    const view = createTerminalView(out, { env: {} });
    view.start(INFO);
    for (let s = 0; s <= ROLLOUT_AT + 1; s++) {
      for (const e of eventsAt(s, 0)) view.event(e);
      view.update(snapshotAt(s));
    }
    await view.close();
    const lines = out.text.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + ROLLOUT_AT + 2);
    expect(out.text).not.toMatch(ANSI);
    expect(lines[ROLLOUT_AT + 1]).toContain('events: step: Rolling restart of B; rolling restart of b started; pod b-8f2a1-new0 created');
  });

  it('prints plain lines in CI even on a terminal', async () => {
    const out = new Capture(true);
    const view = createTerminalView(out, { env: { CI: 'true' } });
    view.start(INFO);
    view.update(snapshotAt(0));
    await view.close();
    expect(out.text).not.toMatch(ANSI);
    expect(out.text.split('\n')[1]).toMatch(/^\[\s+0s\] round 2 graceful: OK 400\/s/);
  });

  it('redraws in place on a terminal: each frame erases the previous one', async () => {
    const out = new Capture(true, 100, 30);
    const view = createTerminalView(out, { env: {} });
    view.start(INFO);
    view.update(snapshotAt(0));
    const firstFrame = out.text;
    view.update(snapshotAt(1));
    await view.close();
    const second = out.text.slice(firstFrame.length);
    const erased = (second.match(/\x1b\[2K/g) ?? []).length;
    expect(erased).toBeGreaterThan(5); // log-update erased the lines of the previous frame
    expect(second.replace(ANSI, '')).toContain('t=1s');
  });

  it('keeps the frame below the lines the engine prints meanwhile', async () => {
    const out = new Capture(true, 100, 30);
    const view = createTerminalView(out, { env: {} });
    view.start(INFO);
    view.update(snapshotAt(0));
    const before = out.text.length;
    out.write('   stopping the load: A finishes its calls in flight\n');
    const after = out.text.slice(before);
    const line = after.indexOf('stopping the load');
    expect(line).toBeGreaterThan(0);
    expect(after.slice(0, line)).toMatch(/\x1b\[2K/); // the frame was erased first
    expect(after.slice(line).replace(ANSI, '')).toContain('round 2 probe · graceful'); // and drawn again below
    await view.close();
    expect(out.write).toBe(Writable.prototype.write);
  });

  it('leaves the final frame alone once the variant finished', async () => {
    const out = new Capture(true, 100, 30);
    const view = createTerminalView(out, { env: {} });
    view.start(INFO);
    view.update(snapshotAt(0));
    view.finish(resultOf(0));
    const atFinish = out.text;
    expect(atFinish.replace(ANSI, '')).toContain('verdicts: ✔ unavailable during rollout');
    view.event(eventsAt(ROLLOUT_AT + 3, 0)[0]); // a pod exiting during teardown
    await new Promise((r) => setTimeout(r, 200));
    await view.close();
    expect(out.text).toBe(atFinish);
  });
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

describe('terminal view and Enter gate in a real terminal (tmux)', () => {
  it('redraws the frame and opens the gate when Enter is pressed', async () => {
    requireTool(hasTmux, 'tmux');
    const session = `lab-view-${process.pid}`;
    const snap = JSON.stringify(snapshotAt(ROLLOUT_AT + 2));
    const script = `
      const { createTerminalView } = await import(${JSON.stringify(path.join(PROJECT_ROOT, 'dist/scripts/view/terminal-view.js'))});
      const { createTerminalGate } = await import(${JSON.stringify(path.join(PROJECT_ROOT, 'dist/scripts/view/terminal-gate.js'))});
      const gate = createTerminalGate(process.stdin);
      const view = createTerminalView(process.stdout, { control: gate.control, env: {} });
      view.start(${JSON.stringify(INFO)});
      view.update(${snap});
      // an Enter pressed before the engine waits is dropped, not kept for the next step
      await new Promise((r) => setTimeout(r, 1500));
      process.stdout.write('   engine: about to wait\\n');
      await gate.control.waitForNext('Scale B to 20');
      await view.close();
      gate.close();
      console.log('GATE OPENED');
    `;
    const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
    tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '40', `${process.execPath} --input-type=module -e ${shellQuote(script)}; echo EXITED $?; sleep 30`);
    try {
      await waitForScreen(session, (s) => s.includes('round 2 probe'));
      tmux('send-keys', '-t', session, 'Enter'); // too early: nothing waits yet
      const screen = await waitForScreen(session, (s) => s.includes('press Enter to run: Scale B to 20'));
      await new Promise((r) => setTimeout(r, 500));
      expect(execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' })).not.toContain('GATE OPENED');
      expect(screen).toContain('b-8f2a1-new1');
      expect(screen).toContain('UNAVAILABLE');
      // the engine's line scrolled above the frame, and the frame was not left behind twice
      expect(screen.indexOf('engine: about to wait')).toBeLessThan(screen.indexOf('round 2 probe'));
      expect(screen.split('round 2 probe').length).toBe(2);
      tmux('send-keys', '-t', session, 'Enter');
      const after = await waitForScreen(session, (s) => s.includes('EXITED'));
      // the process ends by itself: the gate let go of stdin
      expect(after).toContain('GATE OPENED');
      expect(after).toContain('EXITED 0');
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
  });
});

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

async function waitForScreen(session: string, done: (screen: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < deadline) {
    screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
    if (done(screen)) return screen;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`screen never matched; last screen:\n${screen}`);
}
