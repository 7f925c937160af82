// A run whose load generator fell behind its schedule is marked untrusted in every reporter
// (terminal, JSON, JUnit, HTML, the index), apart from its verdicts; each reporter also carries the
// schedule lag, each A process's books and the timeline's relation to the accounting.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../scripts/model/result.js';
import { renderIndexHtml, renderReportHtml } from '../scripts/report/html.js';
import { writeJsonReport } from '../scripts/report/json.js';
import { SCHEDULE_CASE, toJUnit } from '../scripts/report/junit.js';
import { formatComparison, formatRun } from '../scripts/report/terminal.js';
import { sampleResult } from './helpers/sample-result.js';

const STARVED_CHECK =
  'A fell behind its schedule: lag p50 310 ms, p99 640 ms, max 1200 ms (bound: p99 <= 50 ms); calls started late, so the figures describe a starved load generator, whatever the verdicts say';

/** Every verdict held, and A fell behind: a green run that cannot be trusted. */
function starved(over: Partial<RunResult> = {}): RunResult {
  const base = sampleResult({ verdicts: [sampleResult().verdicts[0]], pass: true });
  return {
    ...base,
    scheduleLag: { lagMs: { p50: 310, p99: 640, max: 1200 }, boundMs: 50, behind: true, check: STARVED_CHECK },
    trusted: false,
    accounting: {
      ...base.accounting,
      processes: [
        { ...base.accounting.processes[0], pod: 'service-a-1', lagMs: { p50: 1, p99: 2, max: 5 } },
        { ...base.accounting.processes[0], pod: 'service-a-2', holds: false, lagMs: { p50: 600, p99: 1100, max: 1200 } },
      ],
    },
    ...over,
  };
}

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('terminal', () => {
  it('says UNTRUSTED in the first line and why in the second, apart from PASS', () => {
    const lines = formatRun(starved()).split('\n');
    expect(lines[0]).toBe('Round 3 (constraint), variant broken: PASS, UNTRUSTED on local, seed 7, 30 s');
    expect(lines[1]).toBe(`  measurement not trusted: ${STARVED_CHECK}`);
  });

  it('prints the schedule, each A process and the timeline check beside the accounting', () => {
    const text = formatRun(starved());
    expect(text).toContain(`  schedule: ${STARVED_CHECK}`);
    expect(text).toContain('    service-a-1: scheduled 1,000 = completed 1,000 + in flight 0 + skipped 0 (holds); lag p99 2 ms, max 5 ms');
    expect(text).toContain('    service-a-2: scheduled 1,000 = completed 1,000 + in flight 0 + skipped 0 (DOES NOT HOLD); lag p99 1100 ms, max 1200 ms');
    expect(text).toContain("  timeline: the timeline (scheduled 0, completed 0, skipped 0) leaves out A's start-up before load start");
  });

  it('a trusted run says nothing of the kind, and still prints its schedule', () => {
    const text = formatRun(sampleResult());
    expect(text.split('\n')[0]).toBe('Round 3 (constraint), variant broken: FAIL on local, seed 7, 30 s');
    expect(text).not.toMatch(/UNTRUSTED|not trusted/);
    expect(text).toContain('  schedule: A kept its schedule: lag p50 0.2 ms, p99 1.5 ms, max 3 ms (bound: p99 <= 50 ms)');
    // One A process: its line would repeat the sum.
    expect(text).not.toContain('    service-a-1: scheduled');
  });

  it('the comparison table shows each variant\'s lag p99 and which result is untrusted', () => {
    const lines = formatComparison([sampleResult(), starved({ variant: 'headless' })]).split('\n');
    expect(lines[1]).toMatch(/A lag p99\s+verdicts\s+result$/);
    expect(lines.find((l) => l.trim().startsWith('broken'))).toMatch(/1\.5 ms\s+1\/2\s+FAIL$/);
    expect(lines.find((l) => l.trim().startsWith('headless'))).toMatch(/640 ms\s+1\/1\s+PASS, UNTRUSTED$/);
  });
});

describe('JSON', () => {
  it('carries trusted, the schedule lag, each A process and the timeline check', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lab-trust-'));
    dirs.push(dir);
    const json = JSON.parse(await readFile(await writeJsonReport(starved(), dir), 'utf8')) as RunResult;
    expect(json.trusted).toBe(false);
    expect(json.pass).toBe(true);
    expect(json.scheduleLag).toEqual({ lagMs: { p50: 310, p99: 640, max: 1200 }, boundMs: 50, behind: true, check: STARVED_CHECK });
    expect(json.accounting.processes.map((p) => [p.pod, p.holds, p.lagMs.p99])).toEqual([
      ['service-a-1', true, 2],
      ['service-a-2', false, 1100],
    ]);
    expect(json.timelineCheck.reconciles).toBe(false);
  });
});

describe('JUnit', () => {
  it('an untrusted run is an <error> case, not a <failure>: CI tells it from a regression', () => {
    const xml = toJUnit(starved());
    expect(xml).toContain('tests="2" failures="0" errors="1"');
    expect(xml).toMatch(new RegExp(`name="${SCHEDULE_CASE}"[^>]*>\\s*<error message="A fell behind its schedule[^"]*" type="UntrustedMeasurement">lag p99 640 ms &gt; bound 50 ms</error>`));
    expect(xml).not.toContain('<failure');
    expect(xml).toContain('<property name="trusted" value="false"/>');
    expect(xml).toContain('<property name="accounting.service-a-2" value="scheduled 1000, completed 1000, in flight 0, skipped 0, ok 900: DOES NOT HOLD"/>');
    expect(xml).toMatch(/<property name="timeline" value="the timeline \(scheduled 0, completed 0, skipped 0\) leaves out A&apos;s start-up/);
  });

  it('a trusted run passes that case with the lag in its output', () => {
    const xml = toJUnit(sampleResult());
    expect(xml).toContain('errors="0"');
    expect(xml).toMatch(new RegExp(`name="${SCHEDULE_CASE}"[^>]*>\\s*<system-out>A kept its schedule: lag p50 0.2 ms, p99 1.5 ms`));
    expect(xml).toContain('<property name="trusted" value="true"/>');
  });
});

describe('HTML', () => {
  it('an untrusted run has its own pill and a banner above the figures, besides PASS', () => {
    const html = renderReportHtml(starved());
    expect(html).toContain('<span class="pill pass">PASS · 1 of 1 verdicts hold</span><span class="pill untrusted">UNTRUSTED · A fell behind its schedule</span>');
    expect(html).toMatch(/<section class="card untrusted-banner" id="untrusted">Measurement not trusted: A fell behind its schedule: lag p50/);
    expect(html.indexOf('id="untrusted"')).toBeLessThan(html.indexOf('<h2>Figures'));
    expect(html).toContain('<div class="figure bad"><div class="label">A schedule lag p99</div><div class="value">640 ms</div></div>');
    expect(html).toMatch(/<p id="schedule-check" class="accounting untrusted">⚠ A fell behind its schedule/);
  });

  it('lists each A process with its books and lag, and says what the timeline leaves out', () => {
    const html = renderReportHtml(starved());
    expect(html).toContain('<tr class="fail"><td>service-a-2</td><td>1,000</td><td>1,000</td><td>0</td><td>0</td><td>✘</td><td>600 ms</td><td>1100 ms</td><td>1200 ms</td></tr>');
    expect(html).toMatch(/<p id="timeline-check" class="accounting">ℹ the timeline \(scheduled 0, completed 0, skipped 0\) leaves out A&#39;s start-up/);
  });

  it('a trusted run has neither pill nor banner', () => {
    const html = renderReportHtml(sampleResult());
    expect(html).not.toContain('pill untrusted');
    expect(html).not.toContain('id="untrusted"');
    expect(html).toMatch(/<p id="schedule-check" class="accounting">✔ A kept its schedule/);
  });

  it('the index marks the untrusted variant, and reads older reports without a schedule lag', () => {
    const old = sampleResult({ variant: 'old' }) as Partial<RunResult>;
    delete old.scheduleLag;
    const html = renderIndexHtml([sampleResult(), starved({ variant: 'headless' }), old as RunResult]);
    expect(html).toContain('<td>measurement</td><td>✔ trusted</td><td class="bad">⚠ untrusted: A fell behind</td><td>–</td>');
    expect(html).toContain('<td>A schedule lag p99</td><td>1.5 ms</td><td class="bad">640 ms</td><td>–</td>');
  });
});
