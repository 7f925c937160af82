// What a person reads in the terminal after a run: the figures, each verdict with measured value
// against its threshold, the accounting check, what the trainer says and the kubectl to see it on a
// real cluster; and after several variants, one table that compares them.
import { formatCluster, formatCount as n, formatMeasured, formatMs as ms, formatNumber as fixed, formatPercent as pct } from '../model/format.js';
import type { RunResult, VerdictResult } from '../model/result.js';

/** Renders rows as aligned columns; the first row is the header. */
export function table(rows: string[][], indent = '  '): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  // Numbers line up on the right, words on the left.
  const numeric = rows[0].map((_, i) => rows.slice(1).every((r) => /^([~\d.,%x/ -]|n\/a|ms|s|PASS|FAIL)*$/.test(r[i] ?? '')));
  const line = (r: string[]): string =>
    indent + r.map((c, i) => (numeric[i] && i > 0 ? (c ?? '').padStart(widths[i]) : (c ?? '').padEnd(widths[i]))).join('  ').trimEnd();
  return [line(rows[0]), indent + widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** Turns a verdict's measured value into text (default: in the verdict's unit). */
export type MeasuredFormatter = (v: VerdictResult) => string;

function codes(byCode: Record<string, number>): string {
  const entries = Object.entries(byCode).sort(([, a], [, b]) => b - a);
  return entries.length ? entries.map(([c, k]) => `${c} ${n(k)}`).join(', ') : 'none';
}

function perPodLines(result: RunResult): string[] {
  const ok = Object.values(result.perPod).reduce((a, b) => a + b, 0);
  return Object.entries(result.perPod)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([pod, k]) => `      ${pod.padEnd(28)} ${n(k).padStart(7)}  ${pct(ok ? k / ok : null).padStart(7)}`);
}

function newPodLines(result: RunResult): string[] {
  const entries = Object.entries(result.newPods);
  if (entries.length === 0) return [];
  const never = entries.filter(([, s]) => s === null).length;
  const served = entries.filter(([, s]) => s !== null).map(([, s]) => s as number);
  const slowest = served.length ? Math.max(...served) : null;
  return [
    `    new pods: ${entries.length} created during the run; ${entries.length - never} served a call` +
      (slowest === null ? '' : ` (slowest first call ${slowest} s after creation)`) +
      (never ? `; ${never} never served one` : ''),
  ];
}

function tableLines(result: RunResult): string[] {
  if (!result.table) return [];
  const rows = Object.entries(result.table);
  const figures = [...new Set(rows.flatMap(([, r]) => Object.keys(r)))];
  return ['', '  measured table:', table([['', ...figures], ...rows.map(([name, r]) => [name, ...figures.map((f) => fixed(r[f] ?? null))])], '    ')];
}

/** PASS or FAIL, and whether the measurement can be trusted at all: a separate judgement. */
export function outcome(result: Pick<RunResult, 'pass' | 'trusted'>): string {
  return `${result.pass ? 'PASS' : 'FAIL'}${result.trusted === false ? ', UNTRUSTED' : ''}`;
}

/** Each A process's books and lag, when there is more than one to tell apart. */
function processLines(result: RunResult): string[] {
  const processes = result.accounting.processes ?? [];
  if (processes.length < 2) return [];
  return processes.map(
    (p) =>
      `    ${p.pod}: scheduled ${n(p.scheduled)} = completed ${n(p.completed)} + in flight ${n(p.inFlight)} + skipped ${n(p.skipped)}` +
      ` (${p.holds ? 'holds' : 'DOES NOT HOLD'}); lag p99 ${ms(p.lagMs.p99)}, max ${ms(p.lagMs.max)}`,
  );
}

export function formatRun(result: RunResult, measured: MeasuredFormatter = (v) => formatMeasured(v)): string {
  const lines = [
    `Round ${result.round} (${result.roundName}), variant ${result.variant}: ${outcome(result)}` +
      ` on ${result.platform}, seed ${result.seed}, ${fixed(result.durationS, 1)} s`,
    // Said first: every figure below is suspect, and so is each verdict, passed or failed.
    ...(result.trusted === false ? [`  measurement not trusted: ${result.scheduleLag.check}`] : []),
    `  ran on: ${formatCluster(result.cluster)}`,
    ...(result.logs ? [`  logs of the failed run (pods, events, objects): ${result.logs}`] : []),
    '  figures (measurement window):',
    `    calls ${n(result.calls)}: ${codes(result.byCode)}`,
    `    errors ${n(result.errors)}; UNAVAILABLE rate ${pct(result.unavailableRate)}` +
      (Object.keys(result.errorClasses).length ? `; by class: ${codes(result.errorClasses)}` : ''),
    `    pods with traffic ${result.podsWithTraffic}/${result.podsTotal}; max/mean share ${result.maxMeanShare === null ? 'n/a' : `${fixed(result.maxMeanShare)}x`}`,
    `    latency p50 ${ms(result.latencyMs.p50)}, p99 ${ms(result.latencyMs.p99)}, max ${ms(result.latencyMs.max)}`,
    `    B received ${n(result.servedByB)} attempts for ${n(result.calls)} calls` +
      (result.attemptsPerCall === null ? '' : ` (${fixed(result.attemptsPerCall)}x)`),
    ...newPodLines(result),
    '    OK calls per pod:',
    ...perPodLines(result),
    ...tableLines(result),
    '',
    '  verdicts:',
    ...result.verdicts.flatMap((v) => [
      `    ${v.pass ? 'PASS' : 'FAIL'}  ${v.name}: measured ${measured(v)}; expected ${v.expected}`,
      `          ${v.explanation}`,
    ]),
    '',
    `  accounting: ${result.accounting.check}`,
    ...processLines(result),
    `  schedule: ${result.scheduleLag.check}`,
    `  timeline: ${result.timelineCheck.check}`,
    '',
    '  what the trainer says:',
    ...result.narration.map((s) => `    - ${s}`),
    '',
    '  on a real cluster:',
    ...result.kubectl.map((c) => `    $ ${c}`),
  ];
  return lines.join('\n');
}

/** One row per variant, so the broken, the weak and the fixed can be read side by side. */
export function formatComparison(results: RunResult[]): string {
  if (results.length === 0) return '';
  const header = ['variant', 'calls', 'errors', 'UNAVAIL', 'pods', 'max/mean', 'p50', 'p99', 'B/A', 'A lag p99', 'verdicts', 'result'];
  const rows = results.map((r) => {
    const passed = r.verdicts.filter((v) => v.pass).length;
    return [
      r.variant,
      n(r.calls),
      n(r.errors),
      pct(r.unavailableRate),
      `${r.podsWithTraffic}/${r.podsTotal}`,
      r.maxMeanShare === null ? 'n/a' : `${fixed(r.maxMeanShare)}x`,
      ms(r.latencyMs.p50),
      ms(r.latencyMs.p99),
      r.attemptsPerCall === null ? 'n/a' : `${fixed(r.attemptsPerCall)}x`,
      ms(r.scheduleLag.lagMs.p99),
      `${passed}/${r.verdicts.length}`,
      outcome(r),
    ];
  });
  const first = results[0];
  return [`Round ${first.round} (${first.roundName}) on ${first.platform}: variants compared`, table([header, ...rows])].join('\n');
}
