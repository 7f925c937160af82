// The HTML report: one self-contained file per variant and an index comparing variants, opened
// from disk in headless Chromium with no network: the charts must draw, with no console error.
import { mkdtemp, readFile, rm, writeFile, copyFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHtmlReport, writeIndex } from '../scripts/report/html.js';
import { writeJsonReport } from '../scripts/report/json.js';
import { chartModel } from '../scripts/report/html-chart-model.js';
import { PROJECT_ROOT } from './helpers/processes.js';
import { requireTool } from './helpers/required-tool.js';
import { CHROMIUM, launch, watchedPage } from './helpers/view-browser.js';
import { resultOf, ROLLOUT_AT, SECONDS } from './helpers/view-synthetic-run.js';

const SHOTS = path.join(PROJECT_ROOT, 'reports/screenshots');
const START = Date.parse('2026-01-05T10:00:00.000Z');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lab-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('HTML report files', () => {
  it('builds the chart model from the timeline and places events on its time axis', () => {
    const model = chartModel(resultOf(START));
    expect(model.s).toEqual(Array.from({ length: SECONDS }, (_, s) => s));
    const rollout = model.markers.find((m) => m.type === 'rollout-started')!;
    expect(rollout).toMatchObject({ marker: 'major', text: 'rolling restart of b started' });
    expect(Math.abs(rollout.s - ROLLOUT_AT)).toBeLessThanOrEqual(0.1);
    // old pods first, then the new ones in the order they first served
    expect(model.pods.map((p) => p.isNew)).toEqual([false, false, false, false, false, true, true, true, true, true]);
    const second = resultOf(START).timeline[ROLLOUT_AT + 1];
    expect(model.errors.UNAVAILABLE[ROLLOUT_AT + 1]).toBeCloseTo((100 * second.byCode.UNAVAILABLE) / second.completed, 1);
  });

  it('writes one self-contained page: no file or address outside it', async () => {
    const file = await writeHtmlReport(resultOf(START), dir);
    expect(path.basename(file)).toBe('2-graceful.html');
    const html = await readFile(file, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+stylesheet/);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(html).toContain('kubectl -n grpc-lab get endpointslices -w');
    expect(html).toContain('Those connections were refused');
    console.log(`report page: ${Buffer.byteLength(html)} bytes, one file`);
  });

  it('shows round 5\'s measured table when the run has one', async () => {
    const table = { grpc: { 'calls/s': 9120.5, 'p99 ms': 4.1 }, rest: { 'calls/s': 3050, 'p99 ms': null } };
    const html = await readFile(await writeHtmlReport({ ...resultOf(START), round: 5, variant: 'synthesis', table }, dir), 'utf8');
    expect(html).toContain('<h2>Measured table</h2>');
    expect(html).toMatch(/<td>grpc<\/td><td>9120\.5<\/td><td>4\.1<\/td>/);
    expect(html).toMatch(/<td>rest<\/td><td>3050<\/td><td>–<\/td>/);
  });

  it('escapes what comes from the run', async () => {
    const evil = { ...resultOf(START), narration: ['</script><script>window.hacked=1</script>'] };
    const html = await readFile(await writeHtmlReport({ ...evil, variant: 'escape-check' }, dir), 'utf8');
    expect(html).not.toContain('<script>window.hacked');
  });
});

describe('HTML report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    requireTool(CHROMIUM !== null, 'chromium');
    browser = await launch();
    await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws both charts with the rollout marker, the verdicts and the accounting, without errors', async () => {
    const result = resultOf(START);
    const file = await writeHtmlReport(result, dir);
    const { page, errors } = await watchedPage(browser, { width: 1400, height: 1100 });
    // the report must not need the network: every request other than the file itself fails
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-charts-ready="true"]');
    expect(await page.$$eval('#chart-errors canvas, #chart-traffic canvas', (c) => c.length)).toBe(2);
    expect(await page.textContent('#chart-errors .marker.major[data-type="rollout-started"]')).toBe('rolling restart of b started');
    expect(await page.$$eval('#chart-traffic .u-legend .u-series', (s) => s.length)).toBe(1 + Object.keys(result.perPod).length);
    expect(await page.$$eval('table.verdicts tbody tr.fail', (r) => r.length)).toBe(1);
    expect(await page.textContent('#accounting-check')).toContain(result.accounting.check);
    // a canvas that drew something is not blank: sample the traffic chart's pixels
    const inked = await page.$eval('#chart-traffic canvas', (c) => {
      const ctx = (c as HTMLCanvasElement).getContext('2d')!;
      const data = ctx.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && !(data[i] > 240 && data[i + 1] > 240 && data[i + 2] > 240)) coloured++;
      return coloured / (data.length / 4);
    });
    expect(inked).toBeGreaterThan(0.2);
    await page.screenshot({ path: path.join(SHOTS, 'report-full.png'), fullPage: true });
    await page.screenshot({ path: path.join(SHOTS, 'report.png'), clip: { x: 0, y: 0, width: 1400, height: 1100 } });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('index.html puts the variants of a round side by side and links each report', async () => {
    const fixed = resultOf(START + 60_000, 'fixed', true);
    for (const r of [resultOf(START), fixed]) {
      await writeJsonReport(r, dir);
      await writeHtmlReport(r, dir);
    }
    await writeFile(path.join(dir, 'bench-notes.json'), '{"not":"a run"}\n');
    const index = await writeIndex(dir);
    const { page, errors } = await watchedPage(browser, { width: 1200, height: 800 });
    await page.goto(pathToFileURL(index).href);
    const headers = await page.$$eval('section[data-round="2"] thead th a', (a) => a.map((x) => [x.textContent, x.getAttribute('href')]));
    expect(headers).toEqual([['graceful', '2-graceful.html'], ['fixed', '2-fixed.html']]);
    expect(await page.textContent('body')).toContain('bench-notes.json');
    expect(await page.$$eval('section[data-round="2"] svg.spark', (s) => s.length)).toBe(4);
    await page.screenshot({ path: path.join(SHOTS, 'index.png'), fullPage: true });
    await page.click('text=fixed');
    await page.waitForSelector('body[data-charts-ready="true"]');
    expect(await page.textContent('h1')).toBe('Round 2 probe: fixed');
    expect(errors).toEqual([]);
    await page.close();
    await copyFile(index, path.join(SHOTS, 'index.html'));
  });
});
