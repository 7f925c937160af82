// reports/<round>-<variant>.html: one self-contained page per variant run (figures, the charts the
// room saw, verdicts, accounting, narration, kubectl), and reports/index.html comparing variants.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatCluster } from '../model/format.js';
import { chartModel } from './html-chart-model.js';
import { esc, fmt, inlineJson, page } from './html-page.js';
import { reportBaseName } from './json.js';
import type { RunResult } from '../model/result.js';

export { renderIndexHtml, writeIndex } from './html-index.js';

function figure(label: string, value: string, bad = false): string {
  return `<div class="figure${bad ? ' bad' : ''}"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div></div>`;
}

function figures(r: RunResult): string {
  const codes = Object.entries(r.byCode).filter(([c]) => c !== 'OK').sort(([, a], [, b]) => b - a);
  const classes = Object.entries(r.errorClasses).sort(([, a], [, b]) => b - a);
  return `<section class="card"><h2>Figures <small>measurement window</small></h2><div class="figures">
${figure('calls', fmt.int(r.calls))}
${figure('OK', fmt.int(r.byCode.OK ?? 0))}
${figure('errors', fmt.int(r.errors), r.errors > 0)}
${figure('UNAVAILABLE rate', fmt.pct(r.unavailableRate), r.unavailableRate > 0)}
${codes.map(([c, n]) => figure(c, fmt.int(n), true)).join('\n')}
${figure('pods with traffic', `${r.podsWithTraffic} / ${r.podsTotal}`, r.podsWithTraffic < r.podsTotal)}
${figure('max / mean share', r.maxMeanShare === null ? '–' : `${fmt.num(r.maxMeanShare)}×`)}
${figure('latency p50', fmt.ms(r.latencyMs.p50))}
${figure('latency p99', fmt.ms(r.latencyMs.p99))}
${figure('latency max', fmt.ms(r.latencyMs.max))}
${figure('A schedule lag p50', fmt.ms(r.scheduleLag.lagMs.p50))}
${figure('A schedule lag p99', fmt.ms(r.scheduleLag.lagMs.p99), r.scheduleLag.behind)}
${figure('A schedule lag max', fmt.ms(r.scheduleLag.lagMs.max))}
${figure('B attempts per call', r.attemptsPerCall === null ? '–' : `${fmt.num(r.attemptsPerCall)}×`, (r.attemptsPerCall ?? 0) > 1.01)}
</div>${classes.length ? `<p class="accounting">Errors by class: ${classes.map(([c, n]) => `${esc(c)} ${fmt.int(n)}`).join(', ')}</p>` : ''}</section>`;
}

function charts(r: RunResult): string {
  return `<section class="card"><h2>Over time <small>dashed lines: timeline actions; red ticks: SIGTERM / SIGKILL</small></h2>
<div id="chart-errors" class="chart"></div>
<div id="chart-traffic" class="chart"></div>
<p id="timeline-check" class="accounting">${r.timelineCheck.reconciles ? '✔' : 'ℹ'} ${esc(r.timelineCheck.check)}</p>
${inlineJson('lab-chart-model', chartModel(r))}</section>`;
}

function firstCalls(r: RunResult): string {
  const entries = Object.entries(r.newPods);
  if (entries.length === 0) return '';
  const said = entries.map(([pod, s]) => `${esc(pod)} ${s === null ? '<strong class="never">never</strong>' : `${fmt.num(s, 1)} s`}`);
  return `<p class="accounting">New pods, first call after creation: ${said.join(', ')}</p>`;
}

/**
 * The backend's pods: every pod of the deployments that served calls, whether it is still there
 * (r.pods) or was replaced during the run (its pod-created event). The callers serve nothing.
 */
function backendPods(r: RunResult): string[] {
  const deploymentOf = new Map<string, string>();
  for (const e of r.events) if (e.type === 'pod-created' && e.pod && e.deployment) deploymentOf.set(e.pod, e.deployment);
  for (const p of r.pods) deploymentOf.set(p.name, p.deployment);
  const serving = new Set([...deploymentOf].filter(([pod]) => (r.perPod[pod] ?? 0) > 0).map(([, d]) => d));
  return [...deploymentOf].filter(([, d]) => serving.size === 0 || serving.has(d)).map(([pod]) => pod);
}

function podTable(r: RunResult): string {
  const ok = Object.values(r.perPod).reduce((a, b) => a + b, 0);
  const isNew = (pod: string) => pod in r.newPods;
  // the pods from the start first, then the new ones
  const names = [...new Set([...Object.keys(r.perPod), ...Object.keys(r.newPods), ...backendPods(r)])].sort(
    (a, b) => Number(isNew(a)) - Number(isNew(b)) || a.localeCompare(b),
  );
  const max = Math.max(1, ...Object.values(r.perPod));
  const rows = names.map((name) => {
    const served = r.perPod[name] ?? 0;
    return `<div class="pod${isNew(name) ? ' new' : ''}${served === 0 ? ' idle' : ''}" data-pod="${esc(name)}"><span class="name">${esc(name)}</span>` +
      `<span class="state">${isNew(name) ? 'new' : 'from start'}</span><span class="track"><span class="fill" style="width:${(100 * served) / max}%"></span></span>` +
      `<span class="num">${fmt.int(served)} · ${fmt.pct(ok ? served / ok : null, 1)}</span></div>`;
  });
  return `<section class="card"><h2>OK calls per pod <small>whole window</small></h2><div class="pods">${rows.join('\n') || '<p class="empty">No B pod served a call.</p>'}</div>${firstCalls(r)}</section>`;
}

function verdictTable(r: RunResult): string {
  const rows = r.verdicts.map((v) =>
    `<tr class="${v.pass ? 'pass' : 'fail'}"><td>${v.pass ? '✔' : '✘'}</td><td>${esc(v.name)}</td><td>${esc(v.expected)}</td><td>${esc(fmt.measured(v))}</td><td>${esc(v.explanation)}</td></tr>`,
  );
  const acc = r.accounting;
  return `<section class="card"><h2>Verdicts</h2><table class="verdicts"><thead><tr><th></th><th>verdict</th><th>expected</th><th>measured</th><th>what it proves</th></tr></thead>
<tbody>${rows.join('\n') || '<tr><td class="empty">No verdict for this round: it is a measured table.</td></tr>'}</tbody></table>
<h2 style="margin-top:18px">Accounting check</h2>
<p id="accounting-check" class="accounting${acc.holds ? '' : ' broken'}">${acc.holds ? '✔' : '✘'} ${esc(acc.check)}</p>
<p class="accounting">scheduled ${fmt.int(acc.scheduled)} = completed ${fmt.int(acc.completed)} + in flight ${fmt.int(acc.inFlight)} + skipped ${fmt.int(acc.skipped)}</p>
${processTable(r)}
<p id="schedule-check" class="accounting${r.scheduleLag.behind ? ' untrusted' : ''}">${r.scheduleLag.behind ? '⚠' : '✔'} ${esc(r.scheduleLag.check)}</p></section>`;
}

/** Each A process's books and schedule lag: which one fell behind, which one lost a call. */
function processTable(r: RunResult): string {
  const rows = r.accounting.processes.map(
    (p) =>
      `<tr class="${p.holds ? 'pass' : 'fail'}"><td>${esc(p.pod)}</td><td>${fmt.int(p.scheduled)}</td><td>${fmt.int(p.completed)}</td><td>${fmt.int(p.inFlight)}</td>` +
      `<td>${fmt.int(p.skipped)}</td><td>${p.holds ? '✔' : '✘'}</td><td>${fmt.ms(p.lagMs.p50)}</td><td>${fmt.ms(p.lagMs.p99)}</td><td>${fmt.ms(p.lagMs.max)}</td></tr>`,
  );
  return `<table class="verdicts" id="processes"><thead><tr><th>A process</th><th>scheduled</th><th>completed</th><th>in flight</th><th>skipped</th><th>holds</th><th>lag p50</th><th>lag p99</th><th>lag max</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

/** First on the page when A fell behind: every figure and verdict below is in doubt. */
function untrustedBanner(r: RunResult): string {
  return r.trusted ? '' : `<section class="card untrusted-banner" id="untrusted">Measurement not trusted: ${esc(r.scheduleLag.check)}</section>`;
}

function measuredTable(r: RunResult): string {
  if (!r.table) return '';
  const rows = Object.entries(r.table);
  const cols = [...new Set(rows.flatMap(([, f]) => Object.keys(f)))];
  return `<section class="card"><h2>Measured table</h2><table class="compare"><thead><tr><th></th>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead>
<tbody>${rows.map(([name, f]) => `<tr><td>${esc(name)}</td>${cols.map((c) => `<td>${esc(fmt.num(f[c] ?? null))}</td>`).join('')}</tr>`).join('\n')}</tbody></table></section>`;
}

function story(r: RunResult): string {
  return `<div class="layout"><section class="card"><h2>What happened, in plain words</h2>${r.narration.map((l) => `<p>${esc(l)}</p>`).join('\n')}</section>
<section class="card"><h2>See it on a real cluster</h2><pre class="commands">${r.kubectl.map(esc).join('\n') || '# no commands for this round'}</pre></section></div>`;
}

/** The failed run's logs folder, linked from the page (relative to it, so the folder moves with it). */
function logsLink(r: RunResult, logsHref: string | undefined): string {
  if (!r.logs) return '';
  return `<p class="accounting">The pods' logs, the events and the objects of this run: <a href="${esc(logsHref ?? r.logs)}/">${esc(r.logs)}</a></p>`;
}

export function renderReportHtml(r: RunResult, options: { logsHref?: string } = {}): string {
  const title = `Round ${r.round} ${r.roundName}: ${r.variant}`;
  const held = r.verdicts.filter((v) => v.pass).length;
  const body = `<header class="top"><div><h1>${esc(title)}</h1>
<p class="symptom">${esc(r.platform)} platform (${esc(formatCluster(r.cluster))}) · seed ${esc(r.seed)} · started ${esc(r.startedAt)} · ${fmt.num(r.durationS, 1)} s · <a href="index.html">all variants</a></p>
${logsLink(r, options.logsHref)}</div>
<div class="meta"><span class="pill ${r.pass ? 'pass' : 'fail'}">${r.pass ? 'PASS' : 'FAIL'} · ${held} of ${r.verdicts.length} verdicts hold</span>${r.trusted ? '' : '<span class="pill untrusted">UNTRUSTED · A fell behind its schedule</span>'}</div></header>
${untrustedBanner(r)}
${figures(r)}
${charts(r)}
<div class="layout">${podTable(r)}${verdictTable(r)}</div>
${measuredTable(r)}
${story(r)}`;
  return page(`${title}: gRPC lab report`, body, { charts: true });
}

/** Writes DIR/<round>-<variant>.html and returns its path. */
export async function writeHtmlReport(result: RunResult, dir = 'reports'): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${reportBaseName(result)}.html`);
  const logsHref = result.logs === undefined ? undefined : path.relative(dir, result.logs).split(path.sep).join('/');
  await writeFile(file, renderReportHtml(result, { logsHref }));
  return file;
}
