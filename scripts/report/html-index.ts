// reports/index.html: the variants of each round side by side, read from the reports/*.json
// present, each column linking to its variant's full report.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { esc, fmt, page } from './html-page.js';
import { reportBaseName } from './json.js';
import type { RunResult } from '../model/result.js';

type Row = [label: string, cell: (r: RunResult) => { text: string; tone?: 'good' | 'bad' }];

const firstCallText = (r: RunResult): { text: string; tone?: 'good' | 'bad' } => {
  const firsts = Object.values(r.newPods);
  if (firsts.length === 0) return { text: '–' };
  const never = firsts.filter((s) => s === null).length;
  const slowest = Math.max(0, ...firsts.filter((s): s is number => s !== null));
  return never ? { text: `${never} of ${firsts.length} never`, tone: 'bad' } : { text: `≤ ${fmt.num(slowest, 1)} s`, tone: 'good' };
};

const ROWS: Row[] = [
  ['verdicts', (r) => ({ text: `${r.pass ? '✔' : '✘'} ${r.verdicts.filter((v) => v.pass).length} / ${r.verdicts.length}`, tone: r.pass ? 'good' : 'bad' })],
  // Reports written before the lab measured A's schedule lag have no scheduleLag: a dash.
  ['measurement', (r) => (r.scheduleLag === undefined ? { text: '–' } : r.scheduleLag.behind ? { text: '⚠ untrusted: A fell behind', tone: 'bad' } : { text: '✔ trusted' })],
  ['A schedule lag p99', (r) => ({ text: fmt.ms(r.scheduleLag?.lagMs.p99 ?? null), tone: r.scheduleLag?.behind ? 'bad' : undefined })],
  ['calls', (r) => ({ text: fmt.int(r.calls) })],
  ['UNAVAILABLE rate', (r) => ({ text: fmt.pct(r.unavailableRate), tone: r.unavailableRate > 0 ? 'bad' : 'good' })],
  ['all errors', (r) => ({ text: `${fmt.int(r.errors)} (${fmt.pct(r.calls ? r.errors / r.calls : null)})`, tone: r.errors > 0 ? 'bad' : 'good' })],
  ['pods with traffic', (r) => ({ text: `${r.podsWithTraffic} / ${r.podsTotal}`, tone: r.podsWithTraffic < r.podsTotal ? 'bad' : 'good' })],
  ['max / mean share', (r) => ({ text: r.maxMeanShare === null ? '–' : `${fmt.num(r.maxMeanShare)}×` })],
  ['latency p50', (r) => ({ text: fmt.ms(r.latencyMs.p50) })],
  ['latency p99', (r) => ({ text: fmt.ms(r.latencyMs.p99) })],
  ['B attempts per call', (r) => ({ text: r.attemptsPerCall === null ? '–' : `${fmt.num(r.attemptsPerCall)}×` })],
  ['new pods: first call', firstCallText],
  ['accounting', (r) => ({ text: r.accounting.holds ? '✔ holds' : '✘ broken', tone: r.accounting.holds ? undefined : 'bad' })],
];

/** Error % per second as a small SVG line: the shape of the failure at a glance. */
function sparkline(r: RunResult, width = 160, height = 36): string {
  const pcts = r.timeline.map((t) => (t.completed ? (t.completed - (t.byCode.OK ?? 0)) / t.completed : 0));
  if (pcts.length < 2) return '–';
  const top = Math.max(0.05, ...pcts);
  const points = pcts.map((p, i) => `${((i / (pcts.length - 1)) * width).toFixed(1)},${(height - 2 - (p / top) * (height - 4)).toFixed(1)}`);
  const color = pcts.some((p) => p > 0) ? '#d32f2f' : '#2e7d32';
  return `<svg class="spark" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="error rate over time, peak ${fmt.pct(top === 0.05 ? Math.max(...pcts) : top)}">` +
    `<line x1="0" y1="${height - 2}" x2="${width}" y2="${height - 2}" stroke="#dde1e6"/><polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points.join(' ')}"/></svg>`;
}

/** Each pod's share as a bar, busiest first: two tall bars or ten even ones tell round 3 at a glance. */
function shareBars(r: RunResult, width = 160, height = 36): string {
  const counts = Object.values(r.perPod).sort((a, b) => b - a);
  const slots = Math.max(counts.length, r.podsTotal);
  if (slots === 0) return '–';
  const max = Math.max(1, ...counts);
  const w = width / slots;
  const bars = Array.from({ length: slots }, (_, i) => {
    const h = ((counts[i] ?? 0) / max) * (height - 2);
    return `<rect x="${(i * w + 1).toFixed(1)}" y="${(height - h).toFixed(1)}" width="${Math.max(1, w - 2).toFixed(1)}" height="${Math.max(h, 1).toFixed(1)}" fill="${counts[i] ? '#1f77b4' : '#dde1e6'}"/>`;
  });
  return `<svg class="spark" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="share per pod">${bars.join('')}</svg>`;
}

function roundTable(results: RunResult[]): string {
  const first = results[0];
  const head = `<tr><th></th>${results.map((r) => `<th><a href="${esc(reportBaseName(r))}.html">${esc(r.variant)}</a></th>`).join('')}</tr>`;
  const rows = ROWS.map(([label, cell]) => `<tr><td>${esc(label)}</td>${results.map((r) => {
    const { text, tone } = cell(r);
    return `<td${tone ? ` class="${tone}"` : ''}>${esc(text)}</td>`;
  }).join('')}</tr>`);
  const pictures = [
    `<tr><td>errors over time</td>${results.map((r) => `<td>${sparkline(r)}</td>`).join('')}</tr>`,
    `<tr><td>share per pod</td>${results.map((r) => `<td>${shareBars(r)}</td>`).join('')}</tr>`,
  ];
  return `<section class="card" data-round="${first.round}"><h2>Round ${first.round} · ${esc(first.roundName)} <small>${esc(first.platform)} platform</small></h2>
<table class="compare"><thead>${head}</thead><tbody>${[...rows, ...pictures].join('\n')}</tbody></table></section>`;
}

export function renderIndexHtml(results: RunResult[], skipped: string[] = []): string {
  const rounds = new Map<number, RunResult[]>();
  for (const r of [...results].sort((a, b) => a.round - b.round || a.startedAt.localeCompare(b.startedAt))) {
    rounds.set(r.round, [...(rounds.get(r.round) ?? []), r]);
  }
  const body = `<header class="top"><div><h1>gRPC lab: every variant side by side</h1>
<p class="symptom">One column per variant, in the order they ran; each name opens its full report.</p></div></header>
${[...rounds.values()].map(roundTable).join('\n') || '<section class="card"><p class="empty">No run results in this folder yet.</p></section>'}
${skipped.length ? `<p class="accounting">Not run results, skipped: ${skipped.map(esc).join(', ')}</p>` : ''}`;
  return page('gRPC lab: all variants', body, { charts: false });
}

/** A run result this version can show; one written before `errors` was recorded is listed as skipped. */
function isRunResult(x: unknown): x is RunResult {
  const r = x as Partial<RunResult> | null;
  return (
    !!r &&
    typeof r.round === 'number' &&
    typeof r.variant === 'string' &&
    typeof r.errors === 'number' &&
    Array.isArray(r.verdicts) &&
    Array.isArray(r.timeline) &&
    typeof r.accounting === 'object'
  );
}

/** Reads every DIR/*.json that is a run result, writes DIR/index.html, returns its path. */
export async function writeIndex(dir = 'reports'): Promise<string> {
  const results: RunResult[] = [];
  const skipped: string[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
    try {
      const parsed: unknown = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
      if (isRunResult(parsed)) results.push(parsed);
      else skipped.push(name);
    } catch {
      skipped.push(name);
    }
  }
  const file = path.join(dir, 'index.html');
  await writeFile(file, renderIndexHtml(results, skipped));
  return file;
}
