// The benchmarks' own arithmetic and plumbing: the ceiling search, the schedule reference count,
// the /proc process-tree memory sampler, the replicas override, the table, the deployed Node
// options the benchmarks start A with, and the bare open-loop reference client. The benchmarks
// themselves are not tests (make bench runs them); these prove the figures they print mean what
// they say.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { arrivalsWithin } from '../services/a/schedule.js';
import { searchCeiling } from '../bench/loadgen-fidelity.js';
import { arrivalsBetween, sustained, type OpenLoopResult } from '../bench/lib/open-loop.js';
import { processTree, rssBytes, sampleTree, TreeMemorySampler } from '../bench/lib/proc-memory.js';
import { withReplicas } from '../bench/lib/replicas-override.js';
import { deployedEnv } from '../bench/lib/deployed-env.js';
import { runBareOpenLoop } from '../bench/lib/bare.js';
import { PROJECT_ROOT, benchSubnet, getJson, startB, stopAll } from '../bench/lib/processes.js';
import type { BackendStats } from '../services/shared/stats-schema.js';
import { table } from '../bench/lib/report.js';
import { raceWindows } from '../bench/lib/race-windows.js';
import type { K8sObject } from '../scripts/model/k8s.js';
import type { LabEvent } from '../scripts/model/events.js';

describe('searchCeiling', () => {
  it('finds the highest rate that holds, within the precision, never above it', async () => {
    const tried: number[] = [];
    const ceiling = await searchCeiling(async (rate) => (tried.push(rate), rate <= 7300), 1000, 128_000, 0.05);
    expect(ceiling).toBeLessThanOrEqual(7300);
    expect(ceiling).toBeGreaterThan(7300 * 0.95);
    expect(tried.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
  });

  it('stops doubling at the maximum when everything holds', async () => {
    expect(await searchCeiling(async () => true, 1000, 16_000)).toBe(16_000);
  });

  it('searches below the start when the start already fails', async () => {
    const ceiling = await searchCeiling(async (rate) => rate <= 300, 1000, 16_000, 0.05);
    expect(ceiling).toBeLessThanOrEqual(300);
    expect(ceiling).toBeGreaterThan(280);
  });

  it('reports 0 when nothing holds', async () => {
    expect(await searchCeiling(async () => false, 1000, 16_000)).toBe(0);
  });
});

describe('arrivalsBetween', () => {
  it('counts what A schedule places, and windows add up', () => {
    const rate = 1000;
    const seed = 12345;
    expect(arrivalsBetween(rate, seed, 0, 10_000)).toBe(arrivalsWithin(rate, seed, 10_000));
    expect(arrivalsBetween(rate, seed, 0, 4_000) + arrivalsBetween(rate, seed, 4_000, 10_000)).toBe(arrivalsBetween(rate, seed, 0, 10_000));
    // A Poisson count of mean 10,000: within 5 standard deviations.
    expect(Math.abs(arrivalsBetween(rate, seed, 0, 10_000) - 10_000)).toBeLessThan(500);
  });
});

describe('sustained', () => {
  const base: OpenLoopResult = {
    rate: 1000, seconds: 3, scheduleRate: 1000, startedRate: 1000, completedRate: 1000, startedVsSchedule: 1, startedVsRequested: 1,
    lagP99MedianMs: 1, lagP99WorstMs: 2, lagMaxMs: 3, skipped: 0, errors: 0,
    accounting: { accountingOk: true, scheduled: 3000, completed: 3000, inFlight: 0, skipped: 0, bucketScheduled: 3000, aOk: 3000, bServedOk: 3000, holds: true },
  };
  it('holds only when the typical second is under the bound and every call started and succeeded', () => {
    expect(sustained(base, 5)).toBe(true);
    // One bad second (a neighbour's burst) does not decide it; a bad typical second does.
    expect(sustained({ ...base, lagP99WorstMs: 40 }, 5)).toBe(true);
    expect(sustained({ ...base, lagP99MedianMs: 5 }, 5)).toBe(false);
    expect(sustained({ ...base, skipped: 1 }, 5)).toBe(false);
    expect(sustained({ ...base, errors: 1 }, 5)).toBe(false);
    expect(sustained({ ...base, startedVsSchedule: 0.98 }, 5)).toBe(false);
  });
});

describe('process-tree memory', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  it('finds a grandchild and sums the RSS of every process in the tree', async () => {
    // A child that holds 64 MiB and starts a grandchild that holds 64 MiB too, then prints its pid.
    const grandchild = `const b = Buffer.alloc(64 * 2 ** 20, 1); setInterval(() => b[0]++, 1000);`;
    const child = spawn(process.execPath, [
      '-e',
      `const { spawn } = require('node:child_process'); const b = Buffer.alloc(64 * 2 ** 20, 1);
       const g = spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'ignore' });
       setTimeout(() => console.log(g.pid), 300); setInterval(() => b[0]++, 1000);`,
    ], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const grandPid = Number(await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString()))));
    const tree = processTree(process.pid);
    expect(tree).toContain(child.pid);
    expect(tree).toContain(grandPid);
    const own = rssBytes(child.pid!) + rssBytes(grandPid);
    expect(own).toBeGreaterThan(128 * 2 ** 20);
    const sample = sampleTree(child.pid!);
    expect(sample.processes).toBe(2);
    expect(sample.bytes).toBeGreaterThanOrEqual(128 * 2 ** 20);

    const sampler = new TreeMemorySampler(child.pid!, 20);
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGKILL');
    process.kill(grandPid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const peak = sampler.stop();
    expect(peak.peakBytes).toBeGreaterThanOrEqual(128 * 2 ** 20);
    expect(peak.maxProcesses).toBe(2);
    expect(processTree(process.pid)).not.toContain(grandPid);
  });

  it('reports an exited process as using no memory', () => {
    expect(rssBytes(2 ** 22 + 12345)).toBe(0);
  });
});

describe('withReplicas', () => {
  const objects: K8sObject[] = [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'service-a' }, spec: { replicas: 1 } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'service-b' }, spec: { replicas: 10 } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'service-b' }, spec: {} },
  ];

  it('changes only that Deployment, on a copy', () => {
    const patched = withReplicas(objects, 'service-b', 50);
    expect((patched[1].spec as { replicas: number }).replicas).toBe(50);
    expect((objects[1].spec as { replicas: number }).replicas).toBe(10);
    expect(patched[0]).toBe(objects[0]);
    expect(patched[2]).toBe(objects[2]);
  });

  it('refuses a Deployment that is not there', () => {
    expect(() => withReplicas(objects, 'service-c', 5)).toThrow('no Deployment service-c');
  });
});

describe('table', () => {
  it('prints every figure with its target and whether it was met, and a bench that did not finish', () => {
    const text = table([
      {
        bench: 'proxy', command: 'make bench BENCH=proxy', startedAt: '', finishedAt: '', details: null,
        figures: [
          { name: 'ratio', value: '65%', target: '>= 70%', pass: false },
          { name: 'calls/s', value: 12345, unit: 'calls/s' },
        ],
      },
      { bench: 'scale', command: '', startedAt: '', finishedAt: '', details: null, figures: [], error: 'kubectl not found' },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^bench\s+figure\s+value\s+target\s+ok$/);
    expect(lines.find((l) => l.includes('ratio'))).toMatch(/65%\s+>= 70%\s+NO$/);
    expect(lines.find((l) => l.includes('calls/s'))).toContain('12,345 calls/s');
    expect(lines.find((l) => l.startsWith('scale'))).toMatch(/did not complete\s+kubectl not found\s+FAIL$/);
  });
});

describe('deployedEnv', () => {
  it('reads a literal env value of a base Deployment, as the benchmarks start that service', () => {
    expect(deployedEnv(PROJECT_ROOT, 'service-a-deployment.yaml', 'NODE_OPTIONS')).toMatch(/^--max-semi-space-size=\d+$/);
    expect(deployedEnv(PROJECT_ROOT, 'service-a-deployment.yaml', 'RATE')).toBe('100');
    expect(deployedEnv(PROJECT_ROOT, 'service-a-deployment.yaml', 'NO_SUCH_VARIABLE')).toBeUndefined();
  });
});

describe('bare open-loop client', () => {
  it('keeps a Poisson schedule against a real B pod, and B served every call it started', async () => {
    const ip = benchSubnet();
    const b = await startB('b-open-loop', ip(1));
    try {
      const r = await runBareOpenLoop({ target: `ipv4:${ip(1)}:50051`, rate: 300, warmupMs: 500, seconds: 2, lbPolicy: 'pick_first' });
      expect(r.errors).toBe(0);
      // 600 arrivals expected in the measured 2 s; Poisson noise is about 4%.
      expect(r.startedRate).toBeGreaterThan(300 * 0.8);
      expect(r.startedRate).toBeLessThan(300 * 1.2);
      expect(r.lagP99MedianMs).toBeGreaterThan(0);
      expect(r.lagP99WorstMs).toBeGreaterThanOrEqual(r.lagP99MedianMs);
      const served = await getJson<BackendStats>(`http://${ip(1)}:9090/stats`);
      // The warm-up's calls come on top of the measured ones.
      expect(served.servedByCode.OK).toBeGreaterThanOrEqual(r.startedRate * 2);
    } finally {
      await stopAll([b]);
    }
  });
});

describe('raceWindows', () => {
  it('measures each window per pod from its first pair of events, and skips pods that lack one', () => {
    const ev = (t: number, type: LabEvent['type'], pod: string, view?: LabEvent['view']): LabEvent => ({ t, type, pod, ...(view ? { view } : {}) });
    const w = raceWindows([
      ev(1000, 'pod-created', 'b-1'),
      ev(1000, 'pod-created', 'b-2'),
      ev(3500, 'pod-ready', 'b-1'),
      ev(4200, 'pod-ready', 'b-2'),
      ev(9000, 'pod-deleted', 'b-1'),
      ev(9040, 'endpoint-removed', 'b-1', 'endpoints'),
      ev(10100, 'endpoint-removed', 'b-1', 'proxy'),
      ev(9800, 'pod-exited', 'b-1'),
      // b-2 only loses readiness: no deletion, so no deletion window, but its proxy lag counts.
      ev(9500, 'endpoint-removed', 'b-2', 'endpoints'),
      ev(9500, 'endpoint-removed', 'b-2', 'dns'),
      ev(10300, 'endpoint-removed', 'b-2', 'proxy'),
      ev(12000, 'step', 'b-3'),
    ]);
    expect(w['created to Ready']).toEqual([2500, 3200]);
    expect(w['deleted to endpoint removed']).toEqual([40]);
    expect(w['endpoint removed to kube-proxy rules']).toEqual([1060, 800]);
    expect(w['deleted to exited']).toEqual([800]);
  });
});
