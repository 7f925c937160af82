// The live dashboard in a real browser: a synthetic engine drives the LiveView API of a real
// server on loopback; headless Chromium loads the page and must show what was sent, live.
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepControl, ViewError } from '../scripts/view/step-control.js';
import { startWebDashboard, type Dashboard } from '../scripts/view/web/server.js';
import { portFromEnv, startTrainerUi } from '../scripts/view/trainer-ui.js';
import { PROJECT_ROOT } from './helpers/processes.js';
import { requireTool } from './helpers/required-tool.js';
import { CHROMIUM, launch, watchedPage } from './helpers/view-browser.js';
import { CALLER, eventsAt, INFO, resultOf, ROLLOUT_AT, SECONDS, snapshotAt } from './helpers/view-synthetic-run.js';

const SHOTS = path.join(PROJECT_ROOT, 'reports/screenshots');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Plays seconds [from, to) in real time: the views place events on the axis from the snapshots' t0. */
async function feed(d: Dashboard, from: number, to: number, startMs: number, stepMs = 1000): Promise<void> {
  for (let s = from; s < to; s++) {
    for (const e of eventsAt(s, startMs)) d.view.event(e);
    d.view.update(snapshotAt(s, startMs));
    await sleep(stepMs);
  }
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

function notATerminal(): NodeJS.ReadStream {
  return Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream;
}

async function podNames(page: Page): Promise<string[]> {
  return page.$$eval('#pods .pod', (rows) => rows.map((r) => (r as HTMLElement).dataset.pod ?? ''));
}

describe('dashboard server', () => {
  it('says in one line that a taken port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const err = await startWebDashboard({ port }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ViewError);
      expect((err as Error).message).toBe(`dashboard port ${port} on 127.0.0.1 is already in use: choose another one (UI_PORT=N with make, LAB_UI_PORT=N otherwise)`);
    } finally {
      blocker.close();
    }
  });

  it('takes its port from LAB_UI_PORT, and says so when that is not a port', () => {
    expect(portFromEnv({ LAB_UI_PORT: '9001' })).toBe(9001);
    expect(portFromEnv({})).toBeUndefined();
    expect(() => portFromEnv({ LAB_UI_PORT: 'http' })).toThrow(new ViewError('LAB_UI_PORT must be a port number 1..65535, got "http"'));
  });

  it('listens on loopback only', async () => {
    await expect(startWebDashboard({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });

  it('wires the terminal view, the dashboard and one gate for the engine', async () => {
    const out = new Capture();
    const ui = await startTrainerUi({ web: true, step: true, port: 0, stdout: out as unknown as NodeJS.WriteStream, stdin: notATerminal() });
    try {
      expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      ui.view.start(INFO);
      ui.view.update(snapshotAt(0));
      expect(out.text).toContain('round 2 graceful: OK 400/s'); // the terminal view (plain: not a TTY)
      const state = (await (await fetch(new URL('/state', ui.url!))).json()) as { state: { points: unknown[] } };
      expect(state.state.points).toHaveLength(1); // and the dashboard
      const opened = ui.gate!.waitForNext('Rolling restart of B');
      expect(out.text).toContain('waiting for "Next" to run: Rolling restart of B');
      expect((await fetch(new URL('/next', ui.url!), { method: 'POST' })).status).toBe(200);
      await opened;
    } finally {
      await ui.close();
    }
  });

  it('refuses step mode with neither a terminal nor the dashboard, in one line', async () => {
    await expect(startTrainerUi({ web: false, step: true, stdout: new Capture() as unknown as NodeJS.WriteStream, stdin: notATerminal() })).rejects.toThrow(
      new ViewError('step mode needs a terminal to press Enter in (stdin is not a TTY) or the dashboard (--ui)'),
    );
  });

  it('serves the page, its code and uPlot itself, with nothing from elsewhere', async () => {
    const d = await startWebDashboard({ port: 0 });
    try {
      const html = await (await fetch(d.url)).text();
      const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((r) => r !== 'data:,');
      expect(refs.sort()).toEqual(['/charts.js', '/dashboard.js', '/style.css', '/uplot.css', '/uplot.js']);
      let bytes = Buffer.byteLength(html);
      for (const ref of refs) {
        const res = await fetch(new URL(ref, d.url));
        expect(res.status).toBe(200);
        bytes += (await res.arrayBuffer()).byteLength;
      }
      console.log(`dashboard page load: ${bytes} bytes of HTML+JS+CSS (${refs.length + 1} files)`);
      expect(bytes).toBeLessThan(150_000);
      expect((await fetch(new URL('/next', d.url), { method: 'POST' })).status).toBe(409);
      expect((await fetch(new URL('/nope', d.url))).status).toBe(404);
    } finally {
      await d.close();
    }
  });
});

describe('dashboard in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    requireTool(CHROMIUM !== null, 'chromium');
    browser = await launch();
    await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows every pod, updates live, marks the rollout, and replays the run to a late page', async () => {
    const control = new StepControl();
    const d = await startWebDashboard({ port: 0, control });
    const { page, errors } = await watchedPage(browser);
    try {
      await page.goto(d.url);
      await page.waitForSelector('#conn.live');
      d.view.start(INFO);
      await sleep(1500); // the platform brings pods up: the run's zero comes later than start()
      const startMs = performance.timeOrigin + performance.now();
      await feed(d, 0, ROLLOUT_AT + 3, startMs);
      const mid = snapshotAt(ROLLOUT_AT + 2);
      await page.waitForFunction((s) => (window as any).__labDashboard.lastS === s, mid.s);

      // every backend pod of the last snapshot has its row, new pods are marked as new; the caller has a line
      const backend = (snap: typeof mid) => snap.pods.filter((p) => p.app !== CALLER.app).map((p) => p.name);
      expect(await podNames(page)).toEqual(backend(mid));
      expect(await page.textContent('#callers')).toBe(`Callers: ${CALLER.name} (Ready)`);
      const newRows = await page.$$eval('#pods .pod.new', (rows) => rows.map((r) => (r as HTMLElement).dataset.pod));
      expect(newRows).toEqual(mid.pods.filter((p) => p.isNew).map((p) => p.name));
      expect(await page.textContent('#rate-unavailable')).toBe(String(mid.rates.unavailable));
      expect(await page.getAttribute('#rate-unavailable', 'class')).toBe('value');
      expect(await page.$eval('#rate-unavailable', (e) => e.parentElement!.classList.contains('bad'))).toBe(true);
      expect(await page.textContent('#step-head')).toBe(`Step 2 of 3 · ${mid.step!.title}`);
      // the rollout is a labelled marker on the error chart, SIGTERMs are ticks, the ticker says it in words
      await page.waitForSelector('#chart-errors .marker.major[data-type="rollout-started"] .marker-label');
      expect(await page.textContent('#chart-errors .marker[data-type="rollout-started"]')).toBe('rolling restart of b started');
      // at the second it happened, although start() came before the run's zero (as the engine does)
      const markerS = Number(await page.getAttribute('#chart-errors .marker[data-type="rollout-started"]', 'data-s'));
      expect(Math.abs(markerS - ROLLOUT_AT)).toBeLessThan(0.35);
      expect(await page.$$eval('#chart-errors .marker.minor[data-type="sigterm-sent"]', (m) => m.length)).toBeGreaterThan(0);
      expect(await page.textContent('#events')).toContain('SIGTERM sent to b-5c7d9-old0');
      expect(await page.$$eval('#chart-errors canvas, #chart-traffic canvas', (c) => c.length)).toBe(2);
      // step mode mid-rollout, the moment a trainer pauses to explain: the picture for the docs
      const paused = control.waitForNext('Wait for the rollout to complete');
      await page.waitForSelector('#next.waiting');
      await sleep(800); // let the bars finish gliding
      await page.screenshot({ path: path.join(SHOTS, 'dashboard-full.png'), fullPage: true });
      await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), clip: { x: 0, y: 0, width: 1400, height: 940 } });
      control.next();
      await paused;

      // a page opened now gets the whole story so far
      const late = await watchedPage(browser);
      await late.page.goto(d.url);
      await late.page.waitForFunction((s) => (window as any).__labDashboard.lastS === s, mid.s);
      expect(await podNames(late.page)).toEqual(backend(mid));
      expect(await late.page.textContent('#events')).toBe(await page.textContent('#events'));
      expect(await late.page.$$eval('#chart-errors .marker', (m) => m.length)).toBe(await page.$$eval('#chart-errors .marker', (m) => m.length));
      await late.page.close();
      expect(late.errors).toEqual([]);

      await feed(d, ROLLOUT_AT + 3, SECONDS, startMs);
      const last = snapshotAt(SECONDS - 1);
      await page.waitForFunction((s) => (window as any).__labDashboard.lastS === s, last.s);
      expect(await podNames(page)).toEqual(backend(last));
      expect(await page.$eval('#rate-unavailable', (e) => e.parentElement!.classList.contains('bad'))).toBe(false);

      d.view.finish(resultOf(startMs));
      await page.waitForSelector('#finished.fail');
      expect(await page.$$eval('#verdicts tbody tr', (r) => r.length)).toBe(3);
      expect(await page.$$eval('#verdicts tbody tr.fail', (r) => r.length)).toBe(1);
      await page.screenshot({ path: path.join(SHOTS, 'dashboard-finished.png'), fullPage: true });

      // the next variant of the round starts: the page starts over and lists the finished one
      d.view.start({ ...INFO, variant: 'fixed' });
      await page.waitForSelector('#earlier-card:not([hidden])');
      expect(await page.$$eval('#earlier tbody tr', (rows) => rows.map((r) => r.children[0].textContent))).toEqual(['graceful']);
      expect(await page.textContent('#variant')).toBe('variant fixed');
      expect(await page.$$eval('#pods .pod', (r) => r.length)).toBe(0);
      expect(await page.isHidden('#finished')).toBe(true);

      // latency: from the engine's update() call to the page having drawn that second
      const renders: Array<{ at: number; renderedAt: number }> = await page.evaluate(() => (window as any).__labDashboard.renders);
      const latencies = renders.map((r) => r.renderedAt - r.at).sort((a, b) => a - b);
      expect(latencies.length).toBeGreaterThanOrEqual(SECONDS - 1);
      const median = latencies[Math.floor(latencies.length / 2)];
      const max = latencies[latencies.length - 1];
      console.log(`dashboard update latency over ${latencies.length} snapshots: median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
      await writeFile(path.join(SHOTS, 'dashboard-latency.json'), `${JSON.stringify({ median, max, samples: latencies })}\n`);
      // one second is drawn before the next arrives, with room for a busy 2-core machine
      expect(median).toBeLessThan(1000);
      expect(max).toBeLessThan(2500);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await d.close();
    }
  });

  it('"Next" opens the step gate, and Enter in the terminal opens the same gate', async () => {
    const control = new StepControl();
    const d = await startWebDashboard({ port: 0, control });
    const { page, errors } = await watchedPage(browser);
    try {
      await page.goto(d.url);
      await page.waitForSelector('#conn.live');
      d.view.start(INFO);
      expect(await page.isDisabled('#next')).toBe(true);

      let opened = false;
      const first = control.waitForNext('Rolling restart of B').then(() => (opened = true));
      await page.waitForSelector('#next.waiting:not([disabled])');
      expect(await page.textContent('#next')).toBe('Next: Rolling restart of B ▶');
      await sleep(300);
      expect(opened).toBe(false);
      await page.click('#next');
      await first;
      await page.waitForSelector('#next[disabled]:not(.waiting)');

      // the terminal's Enter (same control) also releases the page's button
      const second = control.waitForNext('Scale B to 20');
      await page.waitForSelector('#next.waiting');
      expect(control.next()).toBe(true);
      await second;
      await page.waitForSelector('#next[disabled]:not(.waiting)');
      const res = await fetch(new URL('/next', d.url), { method: 'POST' });
      expect(res.status).toBe(409);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await d.close();
    }
  });
});
