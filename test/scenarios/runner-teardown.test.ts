// The runner always tears down: after a step fails and after an abort, with a platform that records
// what it was asked to do; and when a verdict or the platform failed, it keeps the platform's logs
// first. (Real runs are in round-N.test.ts.)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PlatformError, type Platform } from '../../scripts/platforms/platform.js';
import { type K8sObject, type PodInfo } from '../../scripts/model/k8s.js';
import { type LabEvent } from '../../scripts/model/events.js';
import { PROJECT_ROOT } from '../../services/shared/project-root.js';
import { runVariant } from '../../scripts/scenarios/runner.js';
import { round1 } from '../../scripts/scenarios/round-1-opening.js';
import type { RoundSpec } from '../../scripts/scenarios/spec.js';
import type { LiveView, StepGate } from '../../scripts/model/live.js';
import type { ClusterInfo } from '../../scripts/model/traits.js';
import { LOCAL_TRAITS } from '../../scripts/platforms/local/traits.js';

class RecordingPlatform implements Platform {
  readonly name = 'recording';
  readonly info = LOCAL_TRAITS;
  calls: string[] = [];
  applied: K8sObject[] = [];
  constructor(private readonly failOn?: string) {}
  private record(call: string): void {
    this.calls.push(call);
    if (this.failOn && call.startsWith(this.failOn)) throw new PlatformError(`${call} failed`);
  }
  async up(objects: K8sObject[]): Promise<void> {
    this.applied = objects;
    this.record('up');
  }
  async rolloutRestart(d: string): Promise<void> {
    this.record(`rolloutRestart ${d}`);
  }
  async waitForRollout(d: string): Promise<void> {
    this.record(`waitForRollout ${d}`);
  }
  async scale(d: string, n: number): Promise<void> {
    this.record(`scale ${d} ${n}`);
  }
  async pods(): Promise<PodInfo[]> {
    return [];
  }
  onEvent(): () => void {
    return () => {};
  }
  events(): LabEvent[] {
    return [];
  }
  async httpGet(): Promise<string> {
    throw new Error('no pods');
  }
  async clusterInfo(): Promise<ClusterInfo> {
    return { provider: 'other', serverVersion: 'v0.0.0-test', context: 'recorded' };
  }
  async collectLogs(dir: string): Promise<string[]> {
    this.calls.push(`collectLogs ${path.basename(dir)}`);
    return [path.join(dir, 'events.jsonl')];
  }
  async down(): Promise<void> {
    this.calls.push('down');
  }
}

const reports = await mkdtemp(path.join(os.tmpdir(), 'lab-runner-'));
afterAll(() => rm(reports, { recursive: true, force: true }));

// Round 1's broken overlay with a timeline short enough for a unit test.
const quick: RoundSpec = {
  ...round1,
  timeline: [
    { action: 'wait', seconds: 0.1, mark: 'steady', title: 'wait', narration: 'a short wait for the test' },
    { action: 'rolloutRestart', deployment: 'service-b', mark: 'rollout', title: 'restart', narration: 'restart B for the test' },
    { action: 'wait', seconds: 0.1, mark: 'settled', title: 'settle', narration: 'a short wait for the test' },
  ],
  windows: {
    main: { from: 'start', to: 'end', why: 'the whole test run' },
    steady: { from: 'start', to: { mark: 'rollout' }, why: 'before the restart' },
    rollout: { from: { mark: 'rollout' }, to: 'end', why: 'after it' },
  },
};

describe('runVariant', () => {
  it('starts B before A, runs the steps in order, stops A and tears down', async () => {
    const platform = new RecordingPlatform();
    const seen: string[] = [];
    const view: LiveView = {
      start: (info) => seen.push(`start ${info.round} ${info.variant} ${info.platform}`),
      update: () => {},
      event: (e) => seen.push(`event ${e.type} ${e.detail ?? ''}`),
      finish: (r) => seen.push(`finish ${r.variant}`),
      close: async () => {},
    };
    const gated: string[] = [];
    const gate: StepGate = { waitForNext: async (title) => void gated.push(title) };
    const result = await runVariant({ platform, round: quick, variant: quick.variants[0], seed: 5, root: PROJECT_ROOT, views: [view], gate });
    expect(seen).toEqual(['start 1 broken recording', 'event step 1/3 wait', 'event step 2/3 restart', 'event step 3/3 settle', 'finish broken']);
    expect(gated).toEqual(['wait', 'restart', 'settle']);
    expect(platform.calls).toEqual([
      'up',
      'scale service-a 2',
      'waitForRollout service-a',
      'rolloutRestart service-b',
      'scale service-a 0',
      'down',
    ]);
    // A is applied at 0 replicas (scaled up once B is ready) and every A and B container gets the seed.
    const a = platform.applied.find((o) => o.metadata.name === 'service-a') as unknown as { spec: { replicas: number; template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } } };
    expect(a.spec.replicas).toBe(0);
    expect(a.spec.template.spec.containers[0].env).toContainEqual({ name: 'SEED', value: '5' });
    // No A process answered: nothing is proven, and the result says so instead of passing.
    expect(result.pass).toBe(false);
    expect(result.accounting.holds).toBe(false);
    expect(result.verdicts.find((v) => v.name === 'UNAVAILABLE >= 1%')).toMatchObject({ measured: null, pass: false });
    // The report says where it ran, as the platform told; no folder was asked for, so none is named.
    expect(result).toMatchObject({ platform: 'recording', cluster: { provider: 'other', serverVersion: 'v0.0.0-test', context: 'recorded' } });
    expect(result.logs).toBeUndefined();
  });

  it('keeps the platform\'s logs before tearing down when a verdict fails, and names the folder', async () => {
    const platform = new RecordingPlatform();
    const logsDir = path.join(reports, '1-broken-logs');
    const lines: string[] = [];
    const result = await runVariant({ platform, round: quick, variant: quick.variants[0], seed: 5, logsDir, log: (l) => lines.push(l) });
    expect(result.pass).toBe(false);
    expect(platform.calls.slice(-3)).toEqual(['scale service-a 0', 'collectLogs 1-broken-logs', 'down']);
    expect(result.logs).toBe(logsDir);
    expect(lines).toContain(`a verdict failed: the pods' logs, the events and the objects are in ${logsDir}`);
  });

  it('keeps the platform\'s logs before tearing down when the platform fails', async () => {
    const platform = new RecordingPlatform('rolloutRestart');
    const logsDir = path.join(reports, '1-broken-logs');
    await expect(runVariant({ platform, round: quick, variant: quick.variants[0], seed: 1, logsDir })).rejects.toThrow(PlatformError);
    expect(platform.calls.slice(-3)).toEqual(['rolloutRestart service-b', 'collectLogs 1-broken-logs', 'down']);
  });

  it('tears down when a step fails', async () => {
    const platform = new RecordingPlatform('rolloutRestart');
    await expect(runVariant({ platform, round: quick, variant: quick.variants[0], seed: 1, root: PROJECT_ROOT })).rejects.toThrow(PlatformError);
    expect(platform.calls.at(-1)).toBe('down');
  });

  it('tears down when aborted', async () => {
    const platform = new RecordingPlatform();
    const abort = new AbortController();
    abort.abort();
    await expect(runVariant({ platform, round: quick, variant: quick.variants[0], seed: 1, root: PROJECT_ROOT, signal: abort.signal, logsDir: path.join(reports, 'aborted-logs') })).rejects.toThrow(/abort/i);
    expect(platform.calls).not.toContain('rolloutRestart service-b');
    // A person stopped it: nothing failed, so there is nothing to keep.
    expect(platform.calls.filter((c) => c.startsWith('collectLogs'))).toEqual([]);
    expect(platform.calls.at(-1)).toBe('down');
  });
});
