// The local platform never leaves a process behind and fails in one line: Ctrl-C of the
// orchestrator tears everything down (exit 130), a SIGKILLed orchestrator's pods are killed by the
// watchdog, a taken DNS port and unsupported objects are one PlatformError line with nothing left
// running.
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertPortFree } from '../scripts/platforms/local/addresses.js';
import { LocalPlatform } from '../scripts/platforms/local/local-platform.js';
import { PlatformError } from '../scripts/platforms/platform.js';
import { type K8sObject } from '../scripts/model/k8s.js';
import { type LabEvent } from '../scripts/model/events.js';
import { alive, sleep, waitForEvent } from './fixtures/local/events.js';
import { namespace, service, serviceA, serviceB } from './fixtures/local/objects.js';
import { PROJECT_ROOT } from './helpers/processes.js';
import { testOctet } from './helpers/octets.js';

const started: ChildProcess[] = [];

afterAll(() => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

/** Starts the fixture orchestrator and waits for the line listing what it runs. */
async function orchestrator(octet: number): Promise<{ proc: ChildProcess; pids: number[]; tempDir: string; exited: Promise<number | null> }> {
  const proc = spawn(process.execPath, [path.join(PROJECT_ROOT, 'test/fixtures/local/orchestrator.mjs'), String(octet)], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(proc);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  let out = '';
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    void exited.then(() => reject(new Error(`orchestrator exited before it was up: ${err}`)));
  });
  const { pids, tempDir } = JSON.parse(line) as { pids: number[]; tempDir: string };
  return { proc, pids, tempDir, exited };
}

async function allGone(pids: number[], withinMs: number): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(50);
  return pids.filter(alive);
}

describe('orchestrator signals', () => {
  it('tears everything down on SIGINT and exits 130', async () => {
    const octet = testOctet();
    const { proc, pids, tempDir, exited } = await orchestrator(octet);
    expect(pids.length).toBe(3); // two pods and the watchdog
    expect(pids.every(alive)).toBe(true);
    expect(existsSync(tempDir)).toBe(true);
    proc.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await allGone(pids, 2000)).toEqual([]);
    expect(existsSync(tempDir)).toBe(false);
    await assertPortFree(`127.${octet}.0.10`, 10053, 'cluster DNS', 'udp');
  });

  it('has the watchdog kill every pod when the orchestrator is SIGKILLed', async () => {
    const { proc, pids, tempDir, exited } = await orchestrator(testOctet());
    expect(pids.every(alive)).toBe(true);
    proc.kill('SIGKILL');
    await exited;
    expect(await allGone(pids, 3000)).toEqual([]);
    expect(existsSync(tempDir)).toBe(false); // the watchdog removed it before exiting
  });
});

describe('tear-down of a pod already terminating', () => {
  it('signals it again, so an A lingering for the collector exits at once instead of being killed', async () => {
    const platform = new LocalPlatform({ octet: testOctet(), seed: 3 });
    const exitedA = (): LabEvent[] => platform.events().filter((e) => e.type === 'pod-exited' && e.deployment === 'service-a');
    try {
      await platform.up([namespace(), serviceA({ TARGET: 'ipv4:127.0.0.1:1', RATE: '0', STATS_LINGER_MS: '30000' }, { grace: 60 })]);
      const [a] = await platform.pods();
      await platform.scale('service-a', 0);
      await waitForEvent(platform, { type: 'sigterm-sent', pod: a.name });
      // Nothing in flight: A drains at once, then lingers for 30 s unless something ends it.
      await sleep(500);
      expect(exitedA()).toEqual([]);
    } finally {
      const t = Date.now();
      await platform.down();
      // SIGKILL would have come after the 1 s tear-down grace; the second SIGTERM ends the linger.
      expect(Date.now() - t).toBeLessThan(1000);
    }
    expect(exitedA().map((e) => e.detail)).toEqual(['exit code 0']);
  });
});

describe('errors are one line, with nothing left running', () => {
  const platform = new LocalPlatform({ octet: testOctet() });
  afterAll(() => platform.down());

  async function upError(objects: K8sObject[], timeoutMs?: number): Promise<PlatformError> {
    const err = await platform.up(objects, timeoutMs).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PlatformError);
    const message = (err as PlatformError).message;
    expect(message).not.toContain('\n');
    expect(await platform.pods()).toEqual([]);
    expect(platform.inspection.childPids()).toEqual([]);
    return err as PlatformError;
  }

  it('rejects an unsupported kind', async () => {
    const statefulSet = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'grpc-lab' }, spec: {} };
    const err = await upError([namespace(), serviceB(), statefulSet]);
    expect(err.message).toBe('StatefulSet/db: kind StatefulSet is not supported by the local platform (supported: Namespace, Deployment, Service, ConfigMap)');
  });

  it('rejects an unsupported field', async () => {
    const nodePort = service('service-b', 'service-b');
    (nodePort.spec as { type: string }).type = 'NodePort';
    const err = await upError([namespace(), serviceB(), nodePort]);
    expect(err.message).toBe('Service/service-b: spec.type NodePort is not supported: only ClusterIP and headless (clusterIP: None) Services');
  });

  it('names the taken DNS port', async () => {
    const { ip, port } = platform.inspection.addresses.dns;
    const squatter = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(port, ip, resolve));
    try {
      const err = await upError([namespace(), serviceB(), service('service-b', 'service-b')]);
      expect(err.message).toBe(`port ${ip}:${port} for cluster DNS is already in use`);
    } finally {
      squatter.close();
    }
  });

  it('says which pod kept a rollout from completing, and stops it', async () => {
    const wrongProbe = serviceB({ readinessProbe: { grpc: { port: 50052 }, periodSeconds: 1 } });
    const err = await upError([namespace(), wrongProbe], 4000);
    expect(err.message).toMatch(/^deployment service-b did not roll out within 4 s: 0\/1 updated pods ready, 0 old pods left; pod service-b-\w+-\w+: probe "grpc UNAVAILABLE/);
  });
});
