// The terminal view as a pure function: what the trainer sees for one snapshot, as lines that fit
// the terminal (at most 100 columns), so the layout is unit-tested without a terminal.
import type { LivePod, LivePodState, LiveSnapshot, RunInfo } from '../model/live.js';
import { formatPercentFixed } from '../model/format.js';
import type { VerdictResult } from '../model/result.js';
import { foldEvents, type ViewEvent } from '../report/describe-event.js';

export interface FrameInput {
  info: RunInfo | null;
  snapshot: LiveSnapshot | null;
  /** Events so far, oldest first (only the latest few are shown). */
  events: readonly ViewEvent[];
  /** Step mode: the action waiting for Enter, or null. */
  waiting: string | null;
  /** Final verdicts once the variant finished (they replace the live ones). */
  verdicts?: readonly VerdictResult[];
  /** Apps whose pods served calls so far: their pods get rows, the others (the callers) one line. */
  servingApps?: ReadonlySet<string>;
}

export interface FrameOptions {
  width: number;
  height: number;
  color: boolean;
}

export const MAX_WIDTH = 100;
const MAX_TICKER = 8;
const MIN_TICKER = 2;

const ANSI = { bold: 1, dim: 2, inverse: 7, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;
type Style = keyof typeof ANSI;

interface Painter {
  (style: Style | Style[], text: string): string;
}

function painter(color: boolean): Painter {
  return (style, text) => {
    if (!color || text === '') return text;
    const codes = (Array.isArray(style) ? style : [style]).map((s) => ANSI[s]).join(';');
    return `\x1b[${codes}m${text}\x1b[0m`;
  };
}

const STATE_STYLE: Record<LivePodState, Style> = {
  Ready: 'green',
  Pending: 'dim',
  NotReady: 'yellow',
  Terminating: 'yellow',
  Gone: 'dim',
};
const SHORT_STATE: Record<LivePodState, string> = {
  Ready: 'Rdy',
  Pending: 'Pend',
  NotReady: 'NotR',
  Terminating: 'Term',
  Gone: 'Gone',
};

/** Pads or cuts plain text to exactly n columns. */
export function fit(text: string, n: number): string {
  if (n <= 0) return '';
  return text.length > n ? `${text.slice(0, Math.max(0, n - 1))}…` : text.padEnd(n);
}

/** Cuts a pod name in the middle: the random suffix is what tells pods apart. */
export function fitName(name: string, n: number): string {
  if (name.length <= n) return name.padEnd(n);
  const tail = Math.min(6, Math.floor((n - 1) / 2));
  return `${name.slice(0, n - 1 - tail)}…${name.slice(name.length - tail)}`;
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `width` columns filled in proportion to value/max, with eighth-block precision. */
export function bar(value: number, max: number, width: number): string {
  if (width <= 0) return '';
  if (value <= 0 || max <= 0) return '·'.padEnd(width);
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  const full = Math.floor(eighths / 8);
  return ('█'.repeat(full) + EIGHTHS[eighths % 8]).padEnd(width);
}

/** Word-wraps text into at most maxLines lines of width columns; the last one ends in … if cut. */
export function wrapWords(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines.map((l) => fit(l, width).trimEnd());
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = fit(`${kept[maxLines - 1]} ${lines[maxLines]}`, width).trimEnd();
  return kept.map((l, i) => (i === maxLines - 1 ? l : fit(l, width).trimEnd()));
}

/** Fixed one decimal: columns that redraw every second must not jump. */
const pct = (x: number): string => formatPercentFixed(x, 1);

function errorRate(rates: LiveSnapshot['rates']): number {
  const total = rates.ok + rates.unavailable + rates.cancelled + rates.other;
  return total === 0 ? 0 : (total - rates.ok) / total;
}

function headerLines(input: FrameInput, width: number, paint: Painter): string[] {
  const { info, snapshot } = input;
  const round = snapshot?.round ?? info?.round;
  const variant = snapshot?.variant ?? info?.variant ?? '';
  const title = [
    round !== undefined ? `round ${round}${info?.roundName ? ` ${info.roundName}` : ''}` : 'gRPC lab',
    variant,
    info?.platform ?? '',
    snapshot ? `t=${Math.round(snapshot.s)}s` : 'starting',
  ].filter(Boolean).join(' · ');
  const lines = [paint('bold', fit(title, width).trimEnd())];
  const step = snapshot?.step;
  const about = step ? `step ${step.index}/${step.total} ${step.title}: ${step.narration}` : info?.symptom ?? info?.title ?? '';
  if (about) lines.push(...wrapWords(about, width, 2));
  // no padding: a line of trailing spaces as wide as the terminal wraps into an empty line
  if (input.waiting !== null) lines.push(paint(['inverse', 'bold'], fit(` ▶ press Enter to run: ${input.waiting} `, width).trimEnd()));
  return lines;
}

function ratesLine(snapshot: LiveSnapshot | null, paint: Painter): string {
  if (!snapshot) return paint('dim', 'waiting for the first second of traffic…');
  const r = snapshot.rates;
  const err = errorRate(r);
  const bad = (label: string, n: number) => (n > 0 ? paint(['red', 'bold'], `${label} ${n}/s`) : paint('dim', `${label} 0/s`));
  return [
    paint('green', `OK ${r.ok}/s`),
    bad('UNAVAILABLE', r.unavailable),
    bad('CANCELLED', r.cancelled),
    bad('other', r.other),
    err > 0 ? paint(['red', 'bold'], `errors ${pct(err)}`) : paint('green', 'errors 0%'),
  ].join('   ');
}

function podRow(pod: LivePod, maxRate: number, nameW: number, barW: number, paint: Painter): string {
  return [
    '',
    pod.isNew ? paint(['magenta', 'bold'], fitName(pod.name, nameW)) : fitName(pod.name, nameW),
    pod.isNew ? paint(['magenta', 'bold'], 'new') : '   ',
    paint(STATE_STYLE[pod.state], fit(pod.state, 11)),
    paint(pod.isNew ? 'magenta' : 'cyan', bar(pod.okPerSec, maxRate, barW)),
    String(pod.okPerSec).padStart(6),
    pct(pod.share).padStart(6),
  ].join(' ');
}

function compactCell(pod: LivePod, maxRate: number, cellW: number, nameW: number, paint: Painter): string {
  // " name + Rdy  bar  50%": the state and the "new" flag stay visible when space runs out
  const barW = Math.max(3, cellW - (1 + nameW + 1 + 1 + 1 + 4 + 1 + 1 + 5));
  return [
    '',
    fitName(pod.name, nameW),
    pod.isNew ? paint(['magenta', 'bold'], '+') : ' ',
    paint(STATE_STYLE[pod.state], fit(SHORT_STATE[pod.state], 4)),
    paint(pod.isNew ? 'magenta' : 'cyan', bar(pod.okPerSec, maxRate, barW)),
    pct(pod.share).padStart(5),
  ].join(' ');
}

/** Pod lines within `rows` lines: one row per pod if it fits, else two per row, else the first ones and a count. */
function podLines(pods: readonly LivePod[], width: number, rows: number, paint: Painter): string[] {
  const maxRate = Math.max(1, ...pods.map((p) => p.okPerSec));
  const longest = Math.max(4, ...pods.map((p) => p.name.length));
  if (pods.length + 1 <= rows) {
    const nameW = Math.min(24, longest);
    const barW = width - (nameW + 32);
    const head = paint('dim', ['', 'POD'.padEnd(nameW), '   ', 'STATE'.padEnd(11), 'OK CALLS/S'.padEnd(barW), '      ', ' SHARE'].join(' '));
    return [head, ...pods.map((p) => podRow(p, maxRate, nameW, barW, paint))];
  }
  const cellW = Math.floor((width - 1) / 2);
  const nameW = Math.min(18, longest);
  const shown = Math.ceil(pods.length / 2) + 1 <= rows ? pods : pods.slice(0, Math.max(0, (rows - 2) * 2));
  const lines = [paint('dim', `${pods.length} pods (two per row, + = new)`)];
  for (let i = 0; i < shown.length; i += 2) {
    const left = compactCell(shown[i], maxRate, cellW, nameW, paint);
    const right = shown[i + 1] ? compactCell(shown[i + 1], maxRate, cellW, nameW, paint) : '';
    lines.push(right ? `${left} ${right}` : left);
  }
  if (shown.length < pods.length) {
    const rest = pods.slice(shown.length);
    const states = countStates(rest);
    lines.push(paint('dim', fit(`… and ${rest.length} more pods: ${states}`, width).trimEnd()));
  }
  return lines;
}

/** The backend's pods get rows; the callers' pods (they serve nothing) share one line. */
function splitPods(all: readonly LivePod[], servingApps?: ReadonlySet<string>): { pods: LivePod[]; callers: LivePod[] } {
  if (!servingApps || servingApps.size === 0) return { pods: [...all], callers: [] };
  return { pods: all.filter((p) => servingApps.has(p.app)), callers: all.filter((p) => !servingApps.has(p.app)) };
}

function callersLine(callers: readonly LivePod[], width: number, paint: Painter): string {
  const text = `callers: ${callers.map((p) => `${p.name} ${p.state}${p.isNew ? ' (new)' : ''}`).join(', ')}`;
  return paint('dim', fit(text, width).trimEnd());
}

function countStates(pods: readonly LivePod[]): string {
  const counts = new Map<string, number>();
  for (const p of pods) counts.set(p.state, (counts.get(p.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
}

function verdictLine(verdicts: readonly VerdictResult[], width: number, paint: Painter): string | null {
  if (verdicts.length === 0) return null;
  const parts = verdicts.map((v) => paint(v.pass ? 'green' : ['red', 'bold'], `${v.pass ? '✔' : '✘'} ${v.name}`));
  const plainLength = verdicts.reduce((n, v) => n + v.name.length + 4, 'verdicts: '.length);
  const text = `verdicts: ${parts.join('  ')}`;
  if (plainLength <= width) return text;
  const passed = verdicts.filter((v) => v.pass).length;
  return paint(passed === verdicts.length ? 'green' : ['red', 'bold'], `verdicts: ${passed} of ${verdicts.length} hold`);
}

function tickerLines(events: readonly ViewEvent[], count: number, width: number, paint: Painter): string[] {
  if (count <= 0) return [];
  const folded = foldEvents(events.slice(-count * 8)).slice(-count);
  if (folded.length === 0) return [paint('dim', ' no events yet')];
  return folded.map((l) => `${paint('dim', `${l.s.toFixed(1).padStart(7)}s`)} ${fit(l.text, width - 10).trimEnd()}`);
}

/** The whole frame: at most `height - 1` lines (the last terminal line holds the cursor) of at most `width` columns. */
export function renderFrame(input: FrameInput, options: FrameOptions): string[] {
  const width = Math.min(MAX_WIDTH, options.width);
  const paint = painter(options.color);
  const top = [...headerLines(input, width, paint), ratesLine(input.snapshot, paint)];
  const verdict = verdictLine(input.verdicts ?? input.snapshot?.verdicts ?? [], width, paint);
  const { pods, callers } = splitPods(input.snapshot?.pods ?? [], input.servingApps);
  const callerLine = callers.length ? [callersLine(callers, width, paint)] : [];
  const fixed = top.length + callerLine.length + (verdict ? 1 : 0) + 1; // + the "events" label
  const budget = options.height - 1 - fixed;
  const oneRowFits = pods.length + 1 + MIN_TICKER <= budget;
  const tickerCount = oneRowFits ? Math.min(MAX_TICKER, budget - pods.length - 1) : MIN_TICKER;
  const podBlock = pods.length > 0 ? podLines(pods, width, Math.max(2, budget - tickerCount), paint) : [];
  const ticker = tickerLines(input.events, Math.min(MAX_TICKER, Math.max(0, budget - podBlock.length)), width, paint);
  return [...top, ...podBlock, ...callerLine, ...(verdict ? [verdict] : []), paint('dim', 'events'), ...ticker];
}

/** One line a second for logs and CI (no cursor movement, no colour). */
export function renderPlainLine(snapshot: LiveSnapshot, newEvents: readonly ViewEvent[]): string {
  const r = snapshot.rates;
  const withTraffic = snapshot.pods.filter((p) => p.okPerSec > 0).length;
  const busiest = Math.max(0, ...snapshot.pods.map((p) => p.share));
  const parts = [
    `[${String(Math.round(snapshot.s)).padStart(4)}s] round ${snapshot.round} ${snapshot.variant}:`,
    `OK ${r.ok}/s, UNAVAILABLE ${r.unavailable}/s, CANCELLED ${r.cancelled}/s, other ${r.other}/s (${pct(errorRate(r))} errors);`,
    `traffic on ${withTraffic}/${snapshot.pods.length} pods, busiest ${pct(busiest)}`,
  ];
  if (snapshot.step) parts.push(`step ${snapshot.step.index}/${snapshot.step.total} ${snapshot.step.title}`);
  const folded = foldEvents(newEvents, 3);
  if (folded.length > 0) parts.push(`events: ${folded.map((l) => l.text).join('; ')}`);
  return `${parts.slice(0, 3).join(' ')}${parts.slice(3).map((p) => `; ${p}`).join('')}`;
}
