// The trainer's view on a real run: round 1's broken variant on the local platform (real pods,
// real gRPC, a real rolling restart) in step mode, watched and stepped through in headless
// Chromium, then its HTML report opened from disk. Slow (a real run): one test.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { LiveSnapshot, LiveView } from '../scripts/model/live.js';
import { LocalPlatform } from '../scripts/platforms/local/local-platform.js';
import { writeHtmlReport } from '../scripts/report/html.js';
import type { RunResult } from '../scripts/model/result.js';
import { findRound, findVariant } from '../scripts/scenarios/index.js';
import { PROJECT_ROOT } from '../services/shared/project-root.js';
import { runVariant } from '../scripts/scenarios/runner.js';
import { timelineOf } from '../scripts/scenarios/spec.js';
import { StepControl } from '../scripts/view/step-control.js';
import { createTerminalView } from '../scripts/view/terminal-view.js';
import { startWebDashboard } from '../scripts/view/web/server.js';
import { CHROMIUM, launch, watchedPage } from './helpers/view-browser.js';
import { oneLabAtATime } from './helpers/lab-lock.js';
import { testOctet } from './helpers/octets.js';

const SHOTS = path.join(PROJECT_ROOT, 'reports/screenshots');
const OCTET = testOctet();
class Lines extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

it.skipIf(!CHROMIUM)('round 1 broken, stepped from the page: every pod, the rollout on the time axis, the verdicts, the report', async () => {
  const round = findRound('1');
  const variant = findVariant(round, 'broken');
  const control = new StepControl();
  const dashboard = await startWebDashboard({ port: 0, control });
  const browser = await launch();
  const { page, errors } = await watchedPage(browser, { width: 1400, height: 940 });
  const log = new Lines();
  let last: LiveSnapshot | null = null;
  const spy: LiveView = { start() {}, update: (s) => void (last = s), event() {}, finish() {}, close: async () => {} };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lab-live-run-'));
  try {
    await page.goto(dashboard.url);
    await page.waitForSelector('#conn.live');
    const seed = 1;
    const run: Promise<RunResult> = oneLabAtATime(() =>
      runVariant({
        platform: new LocalPlatform({ octet: OCTET, seed }),
        round,
        variant,
        seed,
        root: PROJECT_ROOT,
        views: [dashboard.view, createTerminalView(log, { env: {} }), spy],
        gate: control,
      }),
    );
    let finished = false;
    void run.finally(() => (finished = true)).catch(() => {});

    // the trainer presses "Next" for every step the page offers
    const titles: string[] = [];
    const clickedAt: number[] = [];
    const expected = timelineOf(round, variant).map((s) => s.title);
    while (!finished && titles.length < expected.length) {
      if (!(await page.waitForSelector('#next.waiting', { timeout: 1000 }).then(() => true, () => false))) continue;
      // The page hears of each gate over its event stream, a moment after the engine: it may still
      // show the gate just opened. Wait for the engine's next gate, then for the page to show it.
      const title = control.waiting;
      if (title === null) {
        await sleep(50);
        continue;
      }
      const shown = `Next: ${title} ▶`;
      await page.waitForFunction((t) => document.querySelector('#next.waiting')?.textContent === t, shown, { timeout: 5000 }).catch(() => {});
      expect(await page.textContent('#next')).toBe(shown);
      if (title === expected[expected.length - 1]) {
        await sleep(1500); // a second of the aftermath in the charts, bars settled
        await page.screenshot({ path: path.join(SHOTS, 'dashboard-round1.png') });
      }
      titles.push(title);
      clickedAt.push(Date.now());
      await page.click('#next');
      // the click opened this gate (the next one may follow at once)
      while (control.waiting === title) await sleep(50);
    }
    const result = await run;
    expect(titles).toEqual(expected);

    // every backend pod of the last second has its bar; the callers (A) have their line
    const rows = await page.$$eval('#pods .pod', (r) => r.map((x) => (x as HTMLElement).dataset.pod));
    const backend = new Set(result.pods.map((p) => p.deployment).filter((d) => d !== 'service-a'));
    expect(rows).toEqual(last!.pods.filter((p) => backend.has(p.app)).map((p) => p.name));
    expect(await page.textContent('#callers')).toMatch(/^Callers: service-a-/);

    // the rollout is on the time axis where it happened: after the first step, which began when
    // the page's first "Next" was pressed, counted from load start (s = 0): the bring-up before it
    // must not shift the axis. How soon the press comes depends on how busy the machine is (3.7 s
    // after load start once in CI), so the bound is the press itself, not a fixed time.
    await page.waitForSelector('#finished:not([hidden])');
    const markers = await page.$$eval('#chart-errors .marker', (m) => m.map((x) => ({ type: (x as HTMLElement).dataset.type, s: Number((x as HTMLElement).dataset.s) })));
    const steps = markers.filter((m) => m.type === 'step');
    expect(steps).toHaveLength(expected.length);
    const pressedS = (clickedAt[0]! - Date.parse(result.startedAt)) / 1000;
    expect(steps[0].s).toBeGreaterThanOrEqual(Math.max(-0.2, pressedS - 0.2));
    expect(steps[0].s).toBeLessThan(Math.max(pressedS, 0) + 1.5);
    const rollout = markers.find((m) => m.type === 'rollout-started' && m.s > steps[0].s);
    expect(rollout).toBeDefined();
    expect(await page.$$eval('#chart-errors .marker.minor[data-type="sigterm-sent"]', (m) => m.length)).toBeGreaterThanOrEqual(10);
    expect(await page.$$eval('#verdicts tbody tr', (r) => r.length)).toBe(result.verdicts.length);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-round1-finished.png'), fullPage: true });

    const renders: Array<{ at: number; renderedAt: number }> = await page.evaluate(() => (window as any).__labDashboard.renders);
    const latencies = renders.map((r) => r.renderedAt - r.at).sort((a, b) => a - b);
    console.log(`real run: ${latencies.length} snapshots, page drew each ${latencies[latencies.length >> 1].toFixed(1)} ms (median) / ${latencies[latencies.length - 1].toFixed(1)} ms (max) after the engine's update()`);
    expect(latencies.length).toBeGreaterThan(10);
    expect(log.text).toMatch(/round 1 broken: OK \d+\/s/); // the terminal view's plain lines, alongside
    expect(errors).toEqual([]);

    // and the report of the same run, from disk
    const report = await watchedPage(browser, { width: 1400, height: 1100 });
    await report.page.goto(pathToFileURL(await writeHtmlReport(result, dir)).href);
    await report.page.waitForSelector('body[data-charts-ready="true"]');
    expect(await report.page.$$eval('#chart-errors .marker[data-type="step"]', (m) => m.length)).toBe(expected.length);
    expect(await report.page.$$eval('.pods .pod', (p) => p.length)).toBe(result.podsTotal);
    await report.page.screenshot({ path: path.join(SHOTS, 'report-round1.png'), fullPage: true });
    expect(report.errors).toEqual([]);
  } finally {
    await browser.close();
    await dashboard.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 300_000);
