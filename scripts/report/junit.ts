// reports/<round>-<variant>.xml: one JUnit test case per verdict, so a CI server shows which fix
// regressed. A failure carries what was measured against what was expected.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatMeasured, formatMs } from '../model/format.js';
import type { RunResult, VerdictResult } from '../model/result.js';
import { reportBaseName } from './json.js';

// XML 1.0 allows tab, newline, carriage return and everything from 0x20 up, minus surrogates
// (paired ones are fine) and U+FFFE/U+FFFF; anything else cannot appear even escaped.
const INVALID_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attr = (name: string, value: string | number): string => `${name}="${escapeXml(String(value))}"`;

function testCase(result: RunResult, v: VerdictResult, seconds: number): string {
  const open = `    <testcase ${attr('classname', `round-${result.round}-${result.roundName}.${result.variant}`)} ${attr('name', v.name)} ${attr('time', seconds.toFixed(3))}>`;
  const body = v.pass
    ? `\n      <system-out>${escapeXml(`${v.explanation}\nmeasured ${formatMeasured(v)}; expected ${v.expected}`)}</system-out>`
    : `\n      <failure ${attr('message', `measured ${formatMeasured(v)}, expected ${v.expected}`)} type="VerdictFailed">${escapeXml(v.explanation)}</failure>`;
  return `${open}${body}\n    </testcase>`;
}

/**
 * One more test case beside the verdicts: whether A kept its schedule. When it fell behind, the case
 * is an <error> (the measurement could not be made properly), not a <failure> (a verdict that did
 * not hold), so CI shows an untrusted run apart from a regression.
 */
export const SCHEDULE_CASE = 'measurement trusted: the load generator kept its schedule';

function scheduleCase(result: RunResult, seconds: number): string {
  const lag = result.scheduleLag;
  const open = `    <testcase ${attr('classname', `round-${result.round}-${result.roundName}.${result.variant}`)} ${attr('name', SCHEDULE_CASE)} ${attr('time', seconds.toFixed(3))}>`;
  const body = lag.behind
    ? `\n      <error ${attr('message', lag.check)} type="UntrustedMeasurement">${escapeXml(`lag p99 ${formatMs(lag.lagMs.p99)} > bound ${lag.boundMs} ms`)}</error>`
    : `\n      <system-out>${escapeXml(lag.check)}</system-out>`;
  return `${open}${body}\n    </testcase>`;
}

export function toJUnit(result: RunResult): string {
  const failures = result.verdicts.filter((v) => !v.pass).length;
  const errors = result.scheduleLag.behind ? 1 : 0;
  const tests = result.verdicts.length + 1;
  const perCase = result.durationS / tests;
  const props = [
    ['platform', result.platform],
    ['cluster.provider', result.cluster.provider],
    ['cluster.serverVersion', result.cluster.serverVersion ?? 'n/a'],
    ['cluster.context', result.cluster.context ?? 'n/a'],
    ['seed', String(result.seed)],
    ['calls', String(result.calls)],
    ['accounting', result.accounting.check],
    ...result.accounting.processes.map((p) => [`accounting.${p.pod}`, `scheduled ${p.scheduled}, completed ${p.completed}, in flight ${p.inFlight}, skipped ${p.skipped}, ok ${p.ok}: ${p.holds ? 'holds' : 'DOES NOT HOLD'}`]),
    ['trusted', String(result.trusted)],
    ['scheduleLag', result.scheduleLag.check],
    ['timeline', result.timelineCheck.check],
    ...(result.logs ? [['logs', result.logs]] : []),
  ]
    .map(([k, v]) => `      <property ${attr('name', k)} ${attr('value', v)}/>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attr('name', 'grpc-k8s-lab')} ${attr('tests', tests)} ${attr('failures', failures)} ${attr('errors', errors)} ${attr('time', result.durationS.toFixed(3))}>`,
    `  <testsuite ${attr('name', `round ${result.round} (${result.roundName}): ${result.variant}`)} ${attr('tests', tests)} ${attr('failures', failures)} ${attr('errors', errors)} skipped="0" ${attr('time', result.durationS.toFixed(3))} ${attr('timestamp', result.startedAt)}>`,
    '    <properties>',
    props,
    '    </properties>',
    ...result.verdicts.map((v) => testCase(result, v, perCase)),
    scheduleCase(result, perCase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export async function writeJUnitReport(result: RunResult, dir = 'reports'): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${reportBaseName(result)}.xml`);
  await writeFile(file, toJUnit(result));
  return file;
}
