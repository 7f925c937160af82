// Service A as a real process against a real B: the open-loop schedule, the books, the cursor,
// shutdown, the REST twin, error classes, and bad configuration.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startService, stopAll, testSubnet } from './helpers/processes.js';
import { arrivalsWithin } from '../services/a/schedule.js';
import type { StatsBucket, StatsResponse } from '../services/shared/stats-schema.js';
import { aStats, bStats, runA, sleep, startA, startB, stopA, sum } from './service-a-support.js';

const subnet = testSubnet();
const ip = (n: number): string => `${subnet}.${n}`;

afterEach(stopAll);

/** The buckets add up to the totals, and scheduled = completed + inFlight + skipped. */
function expectBooksBalance(s: StatsResponse): void {
  const t = s.totals;
  expect(s.accountingOk).toBe(true);
  expect(t.scheduled).toBe(t.completed + t.inFlight + t.skipped);
  expect(sum(s.buckets.map((b) => b.scheduled))).toBe(t.scheduled);
  expect(sum(s.buckets.map((b) => b.completed))).toBe(t.completed);
  expect(sum(s.buckets.map((b) => b.skipped))).toBe(t.skipped);
  expect(sum(Object.values(t.byCode))).toBe(t.completed);
  expect(t.ok).toBe(t.byCode.OK ?? 0);
  expect(sum(Object.values(t.perPod))).toBe(t.ok);
  expect(sum(Object.values(t.errorClasses))).toBe(t.completed - t.ok);
}

describe('service A, open loop and books', () => {
  it('schedules RATE=200 for 5 s exactly as its seeded schedule says, and the books balance', async () => {
    const b = await startB(ip(1));
    const a = await startA(ip(2), { POD_NAME: 'a-rate', TARGET: `ipv4:${ip(1)}:50051`, RATE: '200' });
    const started = a.logs.find((l) => l.event === 'started')!;
    expect(started.target).toBe(`ipv4:${ip(1)}:50051`);
    expect(await fetch(`http://${ip(2)}:9090/healthz`).then((r) => r.status)).toBe(200);

    // Poll the way the collector does while load runs: each poll asks only for what is new.
    const seen: StatsBucket[] = [];
    await sleep(2200);
    const first = await aStats(a, 0);
    seen.push(...first.buckets);
    const again = await aStats(a, first.cursor);
    expect(again.buckets.every((x) => x.seq > first.cursor)).toBe(true);
    seen.push(...again.buckets);
    await sleep(1800);
    const mid = await aStats(a, again.cursor);
    seen.push(...mid.buckets);
    expect((await fetch(`http://${ip(2)}:9090/metrics`).then((r) => r.text())).includes('lab_a_calls_scheduled_total')).toBe(true);
    // 5 s of load by A's own start time, whatever the polls above took.
    await sleep(Number(started.startedAtMs) + 5000 - Date.now());

    let last: StatsResponse | undefined;
    const { stats, drained, sigterm, code } = await stopA(a, async () => {
      last = await aStats(a, mid.cursor);
      expect((await aStats(a, last.cursor)).buckets).toEqual([]);
    });
    seen.push(...last!.buckets);
    expect(code).toBe(0);
    expect(stats.stopping).toBe(true);
    expect(drained.inFlight).toBe(0);

    // Open loop: the count follows the seeded schedule over the window A actually scheduled in
    // (its own start and the cut-off it logged at SIGTERM: a starved machine can deliver the
    // signal late), whatever the responses did; and it is within 5 % of RATE x window (1,000 for
    // the nominal 5 s). This seed stays within 2.4 % of the rate over any window from 4.5 s to 9 s.
    // (The 20 ms either side is for rounding to whole ms, and for Date.now and performance.now
    // drifting apart over the run.)
    const t = stats.totals;
    const windowMs = Number(sigterm.stoppedAtMs) - Number(started.startedAtMs);
    expect(Date.parse(String(sigterm.ts))).toBeGreaterThanOrEqual(Number(sigterm.stoppedAtMs) - 20);
    const seed = Number(started.seed);
    expect(windowMs).toBeGreaterThanOrEqual(4990);
    expect(t.scheduled).toBeGreaterThanOrEqual(arrivalsWithin(200, seed, windowMs - 20));
    expect(t.scheduled).toBeLessThanOrEqual(arrivalsWithin(200, seed, windowMs + 20));
    expect(Math.abs(t.scheduled - (200 * windowMs) / 1000)).toBeLessThanOrEqual((0.05 * 200 * windowMs) / 1000);

    expectBooksBalance(stats);
    expect(t).toMatchObject({ inFlight: 0, skipped: 0, ok: t.completed, perPod: { [`b-${ip(1)}`]: t.completed } });
    expect((await bStats(b)).received).toBe(t.completed);

    // The buckets: one per wall-clock second, seq 1, 2, 3 ... with no gap.
    stats.buckets.forEach((x, i) => {
      expect(x.seq).toBe(i + 1);
      expect(x.t % 1000).toBe(0);
      if (i > 0) expect(x.t).toBe(stats.buckets[i - 1].t + 1000);
      expect(x.latencyHistogram === '').toBe(x.completed === 0);
    });
    // The cursor never double counts: the polls together saw every bucket exactly once.
    expect(seen.map((x) => x.seq)).toEqual(stats.buckets.map((x) => x.seq));
    expect(sum(seen.map((x) => x.scheduled))).toBe(t.scheduled);
    expect(last!.cursor).toBe(stats.cursor);
  });

  it('answers 400 to a bad cursor and 503 on /healthz once stopping', async () => {
    const a = await startA(ip(3), { TARGET: `ipv4:${ip(4)}:50051`, RATE: '0' });
    expect((await fetch(`http://${ip(3)}:9090/stats?after=-1`)).status).toBe(400);
    expect((await fetch(`http://${ip(3)}:9090/stats?after=x`)).status).toBe(400);
    a.kill('SIGTERM');
    await a.waitForLog('drained');
    expect((await fetch(`http://${ip(3)}:9090/healthz`)).status).toBe(503);
    expect((await a.exited).code).toBe(0);
    expect(a.logs.map((l) => l.event)).toEqual(['listening', 'started', 'sigterm', 'drained', 'exit']);
  });

  it('ignores a second SIGTERM during the drain, and exits at once on one during the linger', async () => {
    // Calls of ~300 ms (at most 1.5 s) keep the drain busy; a 30 s linger would outlast the test if
    // the last signal did nothing.
    const b = await startB(ip(5), { WORK_MS: '300' });
    const a = await startA(ip(6), { TARGET: `ipv4:${ip(5)}:50051`, RATE: '50', STATS_LINGER_MS: '30000' });
    await sleep(800);
    a.kill('SIGTERM');
    const sigterm = await a.waitForLog('sigterm');
    expect(sigterm.inFlight).toBeGreaterThan(0);
    a.kill('SIGTERM');
    const drained = await a.waitForLog('drained');
    // The second signal did not cut the drain short: every call ended, none left in flight.
    expect(drained.inFlight).toBe(0);
    expect(drained.completed).toBe(drained.scheduled);
    expect((await aStats(a)).totals.completed).toBe(drained.completed);
    const cut = performance.now();
    a.kill('SIGTERM');
    expect((await a.exited).code).toBe(0);
    expect(performance.now() - cut).toBeLessThan(5000);
    expect((await bStats(b)).servedByCode.OK).toBe(drained.completed);
  });
});

describe('service A, REST twin and error classes', () => {
  it('calls B over REST: 200 is OK per pod, 503 is UNAVAILABLE/shed', async () => {
    // 100 calls/s of 30 ms keep 3 calls in flight on average: CAPACITY 2 sheds some, serves most.
    const b = await startB(ip(10), { WORK_MS: '30', CAPACITY: '2' });
    const { stats } = await runA(ip(11), { PROTOCOL: 'rest', REST_TARGET: `http://${ip(10)}:8080`, RATE: '100' }, 3000);
    const t = stats.totals;
    expectBooksBalance(stats);
    expect(t.perPod[`b-${ip(10)}`]).toBe(t.ok);
    expect(t.ok).toBeGreaterThan(0);
    expect(t.byCode.UNAVAILABLE).toBeGreaterThan(0);
    expect(t.errorClasses).toEqual({ shed: t.byCode.UNAVAILABLE });
    expect((await bStats(b)).servedByCode).toEqual({ OK: t.ok, UNAVAILABLE: t.byCode.UNAVAILABLE });
  });

  it('counts calls to an address with no listener as refused, over gRPC and over REST', async () => {
    const [grpcRun, restRun] = await Promise.all([
      runA(ip(20), { TARGET: `ipv4:${ip(21)}:50051`, RATE: '50' }, 1500),
      runA(ip(22), { PROTOCOL: 'rest', REST_TARGET: `http://${ip(21)}:8080`, RATE: '50' }, 1500),
    ]);
    for (const { stats } of [grpcRun, restRun]) {
      expectBooksBalance(stats);
      expect(stats.totals.completed).toBeGreaterThan(20);
      expect(stats.totals.byCode).toEqual({ UNAVAILABLE: stats.totals.completed });
      expect(stats.totals.errorClasses).toEqual({ refused: stats.totals.completed });
    }
  });

  it('counts deadline exceeded, then connection dropped when B is killed under load', async () => {
    // Work averages 1 s and calls have 600 ms: about half run out of time; at 50/s some 20 calls
    // are in flight when B dies.
    const b = await startB(ip(30), { WORK_MS: '1000' });
    const a = await startA(ip(31), { TARGET: `ipv4:${ip(30)}:50051`, RATE: '50', DEADLINE_MS: '600' });
    await sleep(1500);
    b.kill('SIGKILL');
    await sleep(700);
    const { stats } = await stopA(a);
    expectBooksBalance(stats);
    const classes = stats.totals.errorClasses;
    expect(classes.deadline).toBeGreaterThan(0);
    expect(classes.dropped).toBeGreaterThan(0);
    expect(stats.totals.byCode.DEADLINE_EXCEEDED).toBe(classes.deadline);
  });
});

describe('service A, bad configuration', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['unknown LB_POLICY', { LB_POLICY: 'least_request' }, /LB_POLICY=least_request is not one of/],
    ['unknown RETRIES', { RETRIES: 'maybe' }, /RETRIES=maybe/],
    ['unknown PROTOCOL', { PROTOCOL: 'quic' }, /PROTOCOL=quic/],
    ['negative RATE', { RATE: '-5' }, /RATE=-5 must be >= 0/],
    ['unparsable number', { DEADLINE_MS: '2s' }, /DEADLINE_MS=2s is not a number/],
    ['REST without REST_TARGET', { PROTOCOL: 'rest' }, /PROTOCOL=rest needs REST_TARGET/],
    ['DNS server by name', { DNS_SERVER: 'coredns:53' }, /DNS_SERVER=coredns:53 must be IP:PORT/],
  ];

  it.each(cases)('%s: one line on stderr, exit 2', async (_name, env, message) => {
    const a = startService('a', { POD_NAME: 'a-bad', ...env }, ip(40));
    const { code } = await a.exited;
    expect(code).toBe(2);
    const lines = a.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^a: /);
    expect(lines[0]).toMatch(message);
    expect(a.logs).toEqual([]);
  });

  it('stats port in use: one line on stderr, exit 2', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(9090, ip(41), resolve));
    try {
      const a = startService('a', { POD_NAME: 'a-port' }, ip(41));
      expect((await a.exited).code).toBe(2);
      expect(a.stderr().trim().split('\n')).toEqual([expect.stringMatching(/^a: port in use: .*EADDRINUSE/)]);
    } finally {
      taken.close();
    }
  });
});
