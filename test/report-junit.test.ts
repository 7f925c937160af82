import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { escapeXml, SCHEDULE_CASE, toJUnit, writeJUnitReport } from '../scripts/report/junit.js';
import { writeJsonReport } from '../scripts/report/json.js';
import { sampleResult } from './helpers/sample-result.js';

describe('JUnit report', () => {
  it('escapes the five XML specials and replaces characters XML cannot carry', () => {
    expect(escapeXml(`a<b>&"c"'d'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    expect(escapeXml('bell\u0007 tab\t ok')).toBe('bell\uFFFD tab\t ok');
    expect(escapeXml('emoji \u{1F600}')).toBe('emoji \u{1F600}');
  });

  it('has one test case per verdict, one for the schedule, and a failure that says measured vs expected', () => {
    const xml = toJUnit(sampleResult());
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('tests="3" failures="1" errors="0"');
    expect(xml).toContain(`name="${SCHEDULE_CASE}"`);
    expect(xml).toContain('name="UNAVAILABLE &gt;= 1% &amp; &quot;&lt;shed&gt;&quot;"');
    expect(xml).toContain('<failure message="measured 0.004, expected &gt;= 1%" type="VerdictFailed">Pinned pods shed: it&apos;s &lt;overload&gt; &amp; more</failure>');
    expect(xml).toContain('classname="round-3-constraint.broken"');
    // No raw special character survives outside markup: every & starts an entity.
    expect(xml.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toMatch(/&/);
  });

  it('passes every case of a clean run', () => {
    const ok = sampleResult({ verdicts: [sampleResult().verdicts[0]], pass: true });
    const xml = toJUnit(ok);
    expect(xml).toContain('failures="0"');
    expect(xml).not.toContain('<failure');
  });

  it('writes reports/<round>-<variant>.xml and .json', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lab-reports-'));
    const xmlFile = await writeJUnitReport(sampleResult(), dir);
    const jsonFile = await writeJsonReport(sampleResult(), dir);
    expect(path.basename(xmlFile)).toBe('3-broken.xml');
    expect(path.basename(jsonFile)).toBe('3-broken.json');
    expect(JSON.parse(await readFile(jsonFile, 'utf8'))).toEqual(sampleResult());
    expect(await readFile(xmlFile, 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
  });
});
