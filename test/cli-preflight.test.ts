// The preflight's own arithmetic and checks, without a run: how many pods (so pod addresses) a
// variant takes from start to end, and whether a reports directory can be written.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../scripts/model/k8s.js';
import { podsCreated, reportsProblem } from '../scripts/cli/preflight.js';
import { round1 } from '../scripts/scenarios/round-1-opening.js';
import { round4 } from '../scripts/scenarios/round-4-curveball.js';
import { findVariant } from '../scripts/scenarios/index.js';

function deployment(name: string, replicas: number): K8sObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'grpc-lab' }, spec: { replicas } } as K8sObject;
}

const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'service-b', namespace: 'grpc-lab' } } as K8sObject;

describe('podsCreated', () => {
  it('round 1 broken: 10 B and 2 A at the start, then a rollout restart of B makes 10 more', () => {
    expect(podsCreated(round1, findVariant(round1, 'broken'), [deployment('service-b', 10), deployment('service-a', 2), service])).toBe(22);
  });

  it('round 4: the scale-up to 20 adds 10; restart-a adds a new A pod on top', () => {
    const objects = [deployment('service-b', 10), deployment('service-a', 1), service];
    expect(podsCreated(round4, findVariant(round4, 'broken'), objects)).toBe(21);
    expect(podsCreated(round4, findVariant(round4, 'restart-a'), objects)).toBe(22);
  });
});

describe('reportsProblem', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-reports-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a writable directory, made if missing: no problem, and nothing left in it', async () => {
    const reports = path.join(dir, 'a', 'b');
    expect(await reportsProblem(reports)).toBeUndefined();
    expect(await import('node:fs').then((fs) => fs.readdirSync(reports))).toEqual([]);
  });

  it('a file where the directory should be: one line with the reason', async () => {
    const file = path.join(dir, 'file');
    writeFileSync(file, '');
    expect(await reportsProblem(path.join(file, 'reports'))).toBe(
      `reports directory ${path.join(file, 'reports')} is not writable (ENOTDIR): the run's results would be lost; choose another with --reports DIR`,
    );
  });

  it('under /proc, where a recursive mkdir never returns: answers at once', async () => {
    const began = Date.now();
    expect(await reportsProblem('/proc/lab-reports/x')).toMatch(/^reports directory \/proc\/lab-reports\/x is not writable \(ENOENT\)/);
    expect(Date.now() - began).toBeLessThan(2000);
  });

  it.runIf(process.getuid?.() !== 0)('a read-only directory (as a normal user)', async () => {
    const ro = path.join(dir, 'ro');
    await import('node:fs').then((fs) => fs.mkdirSync(ro));
    chmodSync(ro, 0o555);
    expect(await reportsProblem(ro)).toMatch(/is not writable \(EACCES\)/);
  });
});
