import { afterAll, describe, expect, it } from 'vitest';
import { Collector, type StatsSource } from '../scripts/measure/collector.js';
import { computeAccounting, computeFigures } from '../scripts/measure/figures.js';
import { decodeHistogram } from '../scripts/measure/histogram.js';
import { scheduleLag } from '../scripts/measure/schedule-lag.js';
import type { PodInfo } from '../scripts/model/k8s.js';
import type { BackendStats, StatsBucket } from '../services/shared/stats-schema.js';
import { T0, bucket, response, runData } from './helpers/synthetic-run.js';
import { startService, stopAll, testSubnet } from './helpers/processes.js';

const pod = (name: string, deployment: string, ip = '127.0.0.1'): PodInfo => ({
  name,
  deployment,
  app: deployment,
  ip,
  phase: 'Running',
  ready: true,
  createdAt: T0,
  restarts: 0,
});

/** A's /stats semantics: buckets after the cursor, seq from 1 per bootId. */
class FakeA {
  buckets: StatsBucket[] = [];
  constructor(
    public name: string,
    public bootId: string,
  ) {}
  add(s: number, ok: number): void {
    this.buckets.push(bucket(this.buckets.length + 1, { s, ok: { 'b-0': ok } }));
  }
  answer(after: number): string {
    return JSON.stringify(response(this.name, this.bootId, this.buckets.filter((b) => b.seq > after)));
  }
}

class FakeCluster implements StatsSource {
  a = new Map<string, FakeA>();
  b = new Map<string, BackendStats>();
  requests: string[] = [];
  async pods(): Promise<PodInfo[]> {
    return [...[...this.a.keys()].map((n) => pod(n, 'service-a')), ...[...this.b.keys()].map((n) => pod(n, 'service-b'))];
  }
  async httpGet(name: string, _port: number, path: string): Promise<string> {
    this.requests.push(`${name}${path}`);
    const a = this.a.get(name);
    if (a) return a.answer(Number(new URL(path, 'http://x').searchParams.get('after')));
    const b = this.b.get(name);
    if (b) return JSON.stringify(b);
    throw new Error(`no pod ${name}`);
  }
}

const bStats = (pod: string, received: number, bootId = 'b-boot'): BackendStats => ({
  service: 'b',
  pod,
  bootId,
  startedAt: T0,
  servedByCode: {},
  received,
  inFlight: 0,
  shed: 0,
  openConnections: 1,
  draining: false,
});

describe('Collector (against a fake cluster)', () => {
  it('keeps reading every other pod while one pod does not answer', async () => {
    // On a cluster, a read through the API server's proxy to a pod whose sandbox is gone waits
    // for its timeout; round 5's next client lived its whole phase inside such a wait.
    const cluster = new FakeCluster();
    const gone = new FakeA('a-gone', 'boot-gone');
    const next = new FakeA('a-next', 'boot-next');
    cluster.a.set('a-gone', gone);
    cluster.a.set('a-next', next);
    let hung = 0;
    const source: StatsSource = {
      pods: () => cluster.pods(),
      httpGet: (name, port, path) => {
        if (name !== 'a-gone') return cluster.httpGet(name, port, path);
        hung++;
        return new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 1500 ms')), 1500));
      },
    };
    const c = new Collector(source, { clients: ['service-a'], backend: 'service-b', intervalMs: 100 });
    c.start();
    for (let s = 1; s <= 8; s++) {
      next.add(s, 10);
      await new Promise((r) => setTimeout(r, 100));
    }
    const readsOfNext = cluster.requests.filter((r) => r.startsWith('a-next')).length;
    await c.stop();
    // About one read per tick for the pod that answers, one read in flight at a time for the other.
    expect(readsOfNext).toBeGreaterThanOrEqual(5);
    expect(hung).toBe(1);
    const series = c.clients().find((x) => x.pod === 'a-next')!;
    expect(series.buckets.map((b) => b.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].slice(0, series.buckets.length));
    expect(series.buckets.length).toBeGreaterThanOrEqual(6);
  });

  it('asks each A pod only for buckets after its cursor and never counts twice', async () => {
    const cluster = new FakeCluster();
    const a = new FakeA('a-1', 'boot-1');
    cluster.a.set('a-1', a);
    const c = new Collector(cluster, { clients: ['service-a'], backend: 'service-b' });
    a.add(0, 10);
    await c.poll();
    a.add(1, 20);
    await c.poll();
    await c.poll();
    expect(cluster.requests).toEqual(['a-1/stats?after=0', 'a-1/stats?after=1', 'a-1/stats?after=2']);
    expect(c.clients()[0].buckets.map((b) => b.seq)).toEqual([1, 2]);
  });

  it('starts again from cursor 0 when a pod restarts, and keeps the old process and vanished pods', async () => {
    const cluster = new FakeCluster();
    const first = new FakeA('a-1', 'boot-1');
    cluster.a.set('a-1', first);
    const c = new Collector(cluster, { clients: ['service-a'], backend: 'service-b' });
    first.add(0, 10);
    first.add(1, 10);
    first.add(2, 10);
    await c.poll();
    // Same pod name, new process: its seq restarts at 1, below the old cursor of 3.
    const second = new FakeA('a-1', 'boot-2');
    second.add(3, 7);
    cluster.a.set('a-1', second);
    await c.poll();
    expect(c.clients().map((s) => [s.bootId, s.buckets.length])).toEqual([
      ['boot-1', 3],
      ['boot-2', 1],
    ]);
    cluster.a.delete('a-1');
    await c.poll();
    expect(c.pods().find((p) => p.name === 'a-1')?.vanishedAt).toBeDefined();
    const data = runData({ clients: c.clients() });
    expect(computeFigures(data, { from: T0, to: T0 + 10_000 }).calls).toBe(37);
  });

  it('keeps B counts per pod and boot, and reads unreachable pods as missing, not zero', async () => {
    const cluster = new FakeCluster();
    cluster.b.set('b-0', bStats('b-0', 100));
    const c = new Collector(cluster, { clients: ['service-a'], backend: 'service-b' });
    await c.poll();
    cluster.b.set('b-0', bStats('b-0', 250));
    await c.poll();
    cluster.b.set('b-0', bStats('b-0', 5, 'b-boot-2'));
    await c.poll();
    expect(c.backends().map((s) => [s.bootId, s.last.received, s.samples.length])).toEqual([
      ['b-boot', 250, 2],
      ['b-boot-2', 5, 1],
    ]);
    const failing: StatsSource = { pods: cluster.pods.bind(cluster), httpGet: async () => Promise.reject(new Error('refused')) };
    const c2 = new Collector(failing, { clients: ['service-a'], backend: 'service-b' });
    await c2.poll();
    expect(c2.backends()).toEqual([]);
    expect(c2.failedReads).toBe(1);
  });
});

describe('Collector (against real A and B processes)', () => {
  afterAll(stopAll);

  it('collects every call A made and B served, and the books balance after A drains', async () => {
    const net = testSubnet();
    const b = startService('b', { POD_NAME: 'b-real', WORK_MS: '5' }, `${net}.2`);
    await b.waitForLog('listening');
    const a = startService('a', { POD_NAME: 'a-real', TARGET: `ipv4:${net}.2:50051`, RATE: '100', STATS_LINGER_MS: '3000' }, `${net}.1`);
    await a.waitForLog('listening');
    const pods = [pod('a-real', 'service-a', `${net}.1`), pod('b-real', 'service-b', `${net}.2`)];
    const source: StatsSource = {
      pods: async () => pods,
      httpGet: async (name, port, path) => {
        const ip = pods.find((p) => p.name === name)!.ip;
        const res = await fetch(`http://${ip}:${port}${path}`);
        return res.text();
      },
    };
    const c = new Collector(source, { clients: ['service-a'], backend: 'service-b', intervalMs: 200 });
    c.start();
    await new Promise((r) => setTimeout(r, 3000));
    a.kill('SIGTERM');
    await a.waitForLog('drained');
    await c.poll();
    await c.stop();
    const [series] = c.clients();
    expect(series.last.stopping).toBe(true);
    const acc = computeAccounting(c.clients());
    expect(acc.holds).toBe(true);
    expect(acc.inFlight).toBe(0);
    expect(acc.completed).toBeGreaterThan(100);
    const f = computeFigures(runData({ clients: c.clients(), backends: c.backends(), t0: 0 }), { from: 0, to: Infinity });
    // Every bucket A closed was collected once: the timeline adds up to A's own totals.
    expect(f.calls).toBe(acc.completed);
    expect(f.ok).toBe(acc.ok);
    expect(f.perPod).toEqual({ 'b-real': acc.ok });
    // B saw every call A made (the last B read may precede A's last calls by one poll).
    expect(c.backends()[0].last.received).toBeGreaterThanOrEqual(acc.completed - 30);
    // A's schedule lag arrives with every call in it: one lag per scheduled call, read as one process.
    const placed = series.buckets.reduce((n, b) => n + (b.lagHistogram === '' ? 0 : decodeHistogram(b.lagHistogram)!.totalCount), 0);
    expect(placed).toBe(acc.scheduled);
    const lag = scheduleLag(c.clients(), { from: -Infinity, to: Infinity });
    expect(lag.lagMs.p50).not.toBeNull();
    expect(lag.lagMs.p99!).toBeGreaterThanOrEqual(lag.lagMs.p50!);
    expect(acc.processes).toEqual([expect.objectContaining({ pod: 'a-real', scheduled: acc.scheduled, holds: true, lagMs: lag.lagMs })]);
  });
});
