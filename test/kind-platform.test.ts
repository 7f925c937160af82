// What the cluster platform would do to a cluster, step by step: every command it issues (argv and
// the objects sent) through a recording runner, and every API call through an in-memory seam.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../scripts/platforms/platform.js';
import { type K8sObject } from '../scripts/model/k8s.js';
import { type LabEvent } from '../scripts/model/events.js';
import { ClusterPlatform, COMMAND_TIMEOUT_MS } from '../scripts/platforms/cluster/cluster-platform.js';
import type { RecordingRunner } from './helpers/recording-runner.js';
import { renderOverlay } from '../scripts/platforms/render.js';
import { FakeApi, kubeconfigJson, OUR_NAMESPACE_JSON, overlayWith, removeOverlays, scriptedRunner, watchFixture, type ClusterScript } from './helpers/kind-fakes.js';
import { PROJECT_ROOT } from './helpers/processes.js';

const CTX = '--context=kind-grpc-lab';
const NS = '--namespace=grpc-lab';
const PODS = '/api/v1/namespaces/grpc-lab/pods';
const SLICES = '/apis/discovery.k8s.io/v1/namespaces/grpc-lab/endpointslices';
const EVENTS = '/api/v1/namespaces/grpc-lab/events';
const COREDNS = '/api/v1/namespaces/kube-system/configmaps/coredns';

let base: K8sObject[];
let withProxy: K8sObject[];

beforeAll(async () => {
  base = await renderOverlay(path.join(PROJECT_ROOT, 'k8s/base'));
  withProxy = await renderOverlay(await overlayWith(['l7-proxy']));
});
afterAll(removeOverlays);

interface Rig {
  platform: ClusterPlatform;
  runner: RecordingRunner;
  api: FakeApi;
  printed: Array<{ line: string; afterCalls: number }>;
}

function rig(script: ClusterScript = {}, opts: ConstructorParameters<typeof ClusterPlatform>[0] = {}, answers: Record<string, string> = {}): Rig {
  const runner = scriptedRunner(script);
  const api = new FakeApi({ [COREDNS]: JSON.stringify({ data: { Corefile: '.:53 {\n    cache 30 {\n       disable success cluster.local\n    }\n}\n' } }), ...answers });
  const printed: Rig['printed'] = [];
  let clock = 1_000;
  const platform = new ClusterPlatform(
    { ...opts, print: (line) => printed.push({ line, afterCalls: runner.calls.length }) },
    { runner, api: () => api, now: () => (clock += 10) },
  );
  return { platform, runner, api, printed };
}

const argvs = (r: Rig) => r.runner.calls.map((c) => c.argv);
const deployments = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);

function applied(r: Rig): K8sObject[] {
  const call = r.runner.calls.find((c) => c.argv.includes('apply'));
  if (!call?.input) throw new Error('nothing was applied');
  const list = JSON.parse(call.input) as { apiVersion: string; kind: string; items: K8sObject[] };
  expect([list.apiVersion, list.kind]).toEqual(['v1', 'List']);
  return list.items;
}

function containerImages(objects: K8sObject[]): Record<string, string[]> {
  return Object.fromEntries(
    objects
      .filter((o) => o.kind === 'Deployment')
      .map((o) => [o.metadata.name, (o.spec as any).template.spec.containers.map((c: { image: string }) => c.image)]),
  );
}

async function rejection(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  return (err as Error).message;
}

describe('up', () => {
  it('prints where it acts, deletes the leftover lab namespace, applies server-side, waits for every rollout', async () => {
    const r = rig({ namespace: [OUR_NAMESPACE_JSON] });
    await r.platform.up(base, 120_000);
    expect(argvs(r)).toEqual([
      ['kubectl', 'config', 'view', '--output=json'],
      ['kubectl', CTX, 'get', 'namespace', 'grpc-lab', '--ignore-not-found', '--output=json'],
      ['kubectl', CTX, 'delete', 'namespace', 'grpc-lab', '--ignore-not-found', '--wait=true', '--timeout=120s'],
      ['kubectl', CTX, 'apply', '--server-side', '--field-manager=grpc-k8s-lab', '--filename=-'],
      ...deployments(base).map((d) => ['kubectl', CTX, NS, 'rollout', 'status', `deployment/${d}`, '--timeout=120s']),
    ]);
    expect(deployments(base).sort()).toEqual(['service-a', 'service-b']);
    // the one line naming the target comes before anything that could change the cluster
    expect(r.printed).toEqual([{ line: 'cluster: acting on context kind-grpc-lab, cluster https://127.0.0.1:41234, namespace grpc-lab', afterCalls: 1 }]);
    // watches are open before the objects are applied, so no pod's creation is missed
    expect([...r.api.watchers.keys()].sort()).toEqual([SLICES, PODS, EVENTS].sort());
  });

  it('reads CoreDNS\' cache of Service names from the cluster\'s Corefile, and says so when it cannot', async () => {
    const r = rig();
    expect(r.platform.info.dnsCacheSeconds).toBe(30);
    await r.platform.up(base);
    expect(r.platform.info.dnsCacheSeconds).toBe(0);
    expect(r.api.gets).toContain(COREDNS);

    const old = rig({}, {}, { [COREDNS]: JSON.stringify({ data: { Corefile: '.:53 {\n    cache 30\n}\n' } }) });
    await old.platform.up(base);
    expect(old.platform.info.dnsCacheSeconds).toBe(30);

    const hidden = rig({}, {}, { [COREDNS]: 'not json' });
    await hidden.platform.up(base);
    expect(hidden.platform.info.dnsCacheSeconds).toBe(30);
    expect(hidden.printed.map((p) => p.line)).toContain("cluster: CoreDNS' Corefile not readable; assuming answers are cached up to 30 s");
  });

  it('sends every rendered object, in grpc-lab, with the Namespace first and labelled as the lab\'s', async () => {
    const r = rig();
    await r.platform.up(base);
    const items = applied(r);
    expect(items.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/grpc-lab',
      ...base.filter((o) => o.kind !== 'Namespace').map((o) => `${o.kind}/${o.metadata.name}`),
    ]);
    expect(items[0]!.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'grpc-k8s-lab' });
    for (const o of items.slice(1)) expect(o.metadata.namespace).toBe('grpc-lab');
    // nothing else changed: the objects are the rendered ones
    expect(items.slice(1)).toEqual(base.filter((o) => o.kind !== 'Namespace'));
    expect(argvs(r).some((a) => a.includes('delete'))).toBe(false);
  });

  it('--image replaces the lab image and nothing else, on the context named with --yes', async () => {
    const kubeconfig = kubeconfigJson('kind-grpc-lab', { 'kind-grpc-lab': 'https://127.0.0.1:41234', staging: 'https://k8s.staging.example.com' });
    const r = rig({ kubeconfig }, { context: 'staging', yes: true, image: 'registry.example.com/grpc-k8s-lab:abc123' });
    await r.platform.up(withProxy);
    expect(r.printed[0]!.line).toBe('cluster: acting on context staging, cluster https://k8s.staging.example.com, namespace grpc-lab');
    expect(argvs(r).slice(1).every((a) => a[1] === '--context=staging')).toBe(true);
    expect(containerImages(applied(r))).toEqual({
      'service-b': ['registry.example.com/grpc-k8s-lab:abc123'],
      'service-a': ['registry.example.com/grpc-k8s-lab:abc123'],
      'l7-proxy': ['haproxy:2.6'],
    });
    expect(containerImages(withProxy)['service-a']).toEqual(['grpc-k8s-lab:dev']);
    expect(argvs(r).filter((a) => a.includes('status')).map((a) => a[5])).toEqual(deployments(withProxy).map((d) => `deployment/${d}`));
    expect(deployments(withProxy)).toContain('l7-proxy');
  });

  it('refuses objects outside grpc-lab before issuing any command', async () => {
    const r = rig();
    const stray = structuredClone(base);
    stray.find((o) => o.kind === 'Service')!.metadata.namespace = 'default';
    expect(await rejection(r.platform.up(stray))).toBe('refusing Service/service-b: it targets namespace default, and the lab acts only in grpc-lab');
    expect(r.runner.calls).toEqual([]);
    expect(r.printed).toEqual([]);
  });

  it('refuses another current context, and --context without --yes, after reading the kubeconfig only', async () => {
    const prodOnly = kubeconfigJson('prod', { prod: 'https://prod.example.com' });
    const a = rig({ kubeconfig: prodOnly });
    expect(await rejection(a.platform.up(base))).toMatch(/^the current context is prod and there is no grpc-lab-node or kind-grpc-lab/);
    const b = rig({ kubeconfig: prodOnly }, { context: 'prod' });
    expect(await rejection(b.platform.up(base))).toBe('--context prod needs --yes: the lab deletes and recreates namespace grpc-lab on that cluster');
    for (const r of [a, b]) {
      expect(argvs(r)).toEqual([['kubectl', 'config', 'view', '--output=json']]);
      expect(r.printed).toEqual([]);
      await r.platform.down();
      expect(argvs(r)).toHaveLength(1);
    }
  });

  it('refuses to delete a grpc-lab namespace the lab did not create, and down() then leaves it alone', async () => {
    const foreign = JSON.stringify({ kind: 'Namespace', metadata: { name: 'grpc-lab', labels: {} } });
    const r = rig({ namespace: [foreign, foreign] });
    expect(await rejection(r.platform.up(base))).toMatch(/^namespace grpc-lab on kind-grpc-lab was not created by the lab/);
    await r.platform.down();
    expect(argvs(r).some((a) => a.includes('delete') || a.includes('apply'))).toBe(false);
  });

  it('fails with kubectl\'s own line when a rollout does not complete', async () => {
    const failures = { 'rollout status deployment/service-b': new PlatformError('kubectl rollout status deployment/service-b failed: error: timed out waiting for the condition') };
    const r = rig({ failures });
    expect(await rejection(r.platform.up(base, 30_000))).toBe('kubectl rollout status deployment/service-b failed: error: timed out waiting for the condition');
  });
});

describe('steps after up', () => {
  async function upRig(failures: ClusterScript['failures'] = {}): Promise<Rig> {
    const r = rig({ namespace: ['', OUR_NAMESPACE_JSON, ''], failures }, {}, {
      '/apis/apps/v1/namespaces/grpc-lab/deployments/service-b': JSON.stringify({ spec: { replicas: 10 } }),
      [PODS]: JSON.stringify({ kind: 'PodList', items: (await watchFixture('pod-watch')).slice(3, 5).map((l) => l.object) }),
      [`${PODS}/service-a-7f9c6d5b4-qw2er:9090/proxy/stats?after=3`]: '{"buckets":[]}',
    });
    await r.platform.up(base);
    r.runner.calls.length = 0;
    r.runner.timeouts.length = 0;
    return r;
  }

  it('rolloutRestart, waitForRollout and scale use kubectl\'s own commands and record what happened', async () => {
    const r = await upRig();
    await r.platform.rolloutRestart('service-b');
    await r.platform.waitForRollout('service-b', 90_000);
    await r.platform.scale('service-b', 20);
    expect(argvs(r)).toEqual([
      ['kubectl', CTX, NS, 'rollout', 'restart', 'deployment/service-b'],
      ['kubectl', CTX, NS, 'rollout', 'status', 'deployment/service-b', '--timeout=90s'],
      ['kubectl', CTX, NS, 'scale', 'deployment/service-b', '--replicas=20'],
    ]);
    expect(r.platform.events().map(({ type, deployment, detail }) => ({ type, deployment, detail }))).toEqual([
      { type: 'rollout-started', deployment: 'service-b', detail: undefined },
      { type: 'rollout-completed', deployment: 'service-b', detail: undefined },
      { type: 'scaled', deployment: 'service-b', detail: 'replicas 10 -> 20' },
    ]);
  });

  it('bounds every kubectl command it issues: a hung API server ends the run instead of hanging it', async () => {
    const r = await upRig();
    await r.platform.rolloutRestart('service-b');
    await r.platform.waitForRollout('service-b', 90_000);
    await r.platform.scale('service-b', 20);
    await r.platform.down();
    expect(r.runner.timeouts.length).toBe(r.runner.calls.length);
    expect(r.runner.calls.length).toBeGreaterThanOrEqual(5);
    expect(r.runner.timeouts.filter((t) => t === undefined || t <= 0)).toEqual([]);
    // apply, scale and rollout restart carry no --timeout of their own: the runner's bound is theirs
    const unflagged = r.runner.calls.map((c, i) => ({ argv: c.argv.join(' '), t: r.runner.timeouts[i] })).filter((c) => /apply|scale|restart/.test(c.argv));
    expect(unflagged.map((c) => c.t)).toEqual(unflagged.map(() => COMMAND_TIMEOUT_MS));
  });

  it('turns watched Pods and EndpointSlices into events, for listeners and in events()', async () => {
    const r = await upRig();
    const heard: LabEvent[] = [];
    const unsubscribe = r.platform.onEvent((e) => heard.push(e));
    for (const l of (await watchFixture('pod-watch')).slice(0, 4)) r.api.watchers.get(PODS)!(l.type, l.object);
    for (const l of (await watchFixture('endpointslice-watch')).slice(0, 3)) r.api.watchers.get(SLICES)!(l.type, l.object);
    for (const l of (await watchFixture('event-watch')).slice(0, 4)) r.api.watchers.get(EVENTS)!(l.type, l.object);
    unsubscribe();
    expect(heard.map((e) => `${e.type} ${e.pod}`)).toEqual([
      'pod-created service-b-6d8f7c9b5d-x7k2p',
      'pod-ready service-b-6d8f7c9b5d-x7k2p',
      'endpoint-added service-b-6d8f7c9b5d-x7k2p',
      'sigterm-sent service-b-6d8f7c9b5d-x7k2p',
    ]);
    expect(r.platform.events()).toEqual(heard);
    // timestamps come from the platform's monotonic clock, in order
    expect(heard.map((e) => e.t)).toEqual([...heard.map((e) => e.t)].sort((x, y) => x - y));
  });

  it('reads pods and a pod\'s HTTP endpoint through the API server', async () => {
    const r = await upRig();
    const pods = await r.platform.pods();
    expect(pods.map((p) => [p.name, p.ready, p.ip])).toEqual([
      ['service-b-6d8f7c9b5d-x7k2p', true, '10.244.1.7'],
      ['service-b-6d8f7c9b5d-m4q9z', true, '10.244.2.4'],
    ]);
    // never seen by the watch: creationTimestamp, whole seconds of the API server's clock
    expect(pods.map((p) => p.createdAt % 1000)).toEqual([0, 0]);
    // seen by the watch: the run's own clock, to the millisecond
    const [created] = (await watchFixture('pod-watch')).slice(0, 1);
    r.api.watchers.get(PODS)!(created!.type, created!.object);
    const seenAt = r.platform.events().find((e) => e.type === 'pod-created')!.t;
    expect((await r.platform.pods()).find((p) => p.name === 'service-b-6d8f7c9b5d-x7k2p')!.createdAt).toBe(seenAt);
    expect(await r.platform.httpGet('service-a-7f9c6d5b4-qw2er', 9090, '/stats?after=3')).toBe('{"buckets":[]}');
    expect(r.api.gets).toContain(`${PODS}/service-a-7f9c6d5b4-qw2er:9090/proxy/stats?after=3`);
    expect(r.runner.calls).toEqual([]);
  });

  it('collectLogs() keeps every pod\'s log, the events and the objects from the API server, before down()', async () => {
    const r = await upRig({ 'logs service-b-6d8f7c9b5d-m4q9z --all-containers=true --timestamps=true --previous=true': new PlatformError('previous terminated container not found') });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lab-cluster-logs-'));
    try {
      const files = await r.platform.collectLogs(dir);
      const logs = (pod: string, previous = false) => ['kubectl', CTX, NS, 'logs', pod, '--all-containers=true', '--timestamps=true', ...(previous ? ['--previous=true'] : [])];
      expect(argvs(r)).toEqual([
        logs('service-b-6d8f7c9b5d-x7k2p'),
        logs('service-b-6d8f7c9b5d-x7k2p', true),
        logs('service-b-6d8f7c9b5d-m4q9z'),
        logs('service-b-6d8f7c9b5d-m4q9z', true),
        ['kubectl', CTX, NS, 'get', 'events', '--output=yaml'],
        ['kubectl', CTX, NS, 'get', 'all,endpointslices,configmaps', '--output=yaml'],
      ]);
      // The pod without a previous container gets no file for it; the others each get theirs.
      expect(files.map((f) => path.relative(dir, f))).toEqual([
        'pods/service-b-6d8f7c9b5d-x7k2p.log',
        'pods/service-b-6d8f7c9b5d-x7k2p.previous.log',
        'pods/service-b-6d8f7c9b5d-m4q9z.log',
        'events.yaml',
        'objects.yaml',
      ]);
      expect(await readFile(path.join(dir, 'events.yaml'), 'utf8')).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('collectLogs() before up() has nothing to read', async () => {
    expect(await rig().platform.collectLogs(os.tmpdir())).toEqual([]);
  });

  it('down() stops the watches and deletes only the lab namespace; a second down() finds nothing to delete', async () => {
    const r = await upRig();
    await r.platform.down();
    await r.platform.down();
    expect(r.api.watchers.size).toBe(0);
    expect(argvs(r)).toEqual([
      ['kubectl', CTX, 'get', 'namespace', 'grpc-lab', '--ignore-not-found', '--output=json'],
      ['kubectl', CTX, 'delete', 'namespace', 'grpc-lab', '--ignore-not-found', '--wait=true', '--timeout=120s'],
      ['kubectl', CTX, 'get', 'namespace', 'grpc-lab', '--ignore-not-found', '--output=json'],
    ]);
  });

  it('down() before up() touches nothing', async () => {
    const r = rig();
    await r.platform.down();
    expect(r.runner.calls).toEqual([]);
  });
});

describe('up again', () => {
  it('stops the previous run\'s watches before deleting its namespace, and starts events afresh', async () => {
    const r = rig({ namespace: ['', OUR_NAMESPACE_JSON] });
    await r.platform.up(base);
    const firstPods = r.api.watchers.get(PODS)!;
    const lines = await watchFixture('pod-watch');
    firstPods(lines[0]!.type, lines[0]!.object);
    expect(r.platform.events()).toHaveLength(1);
    await r.platform.up(base);
    expect(r.platform.events()).toEqual([]);
    // the same pod on the new watch is new again: the trackers start from nothing
    r.api.watchers.get(PODS)!(lines[0]!.type, lines[0]!.object);
    expect(r.platform.events().map((e) => e.type)).toEqual(['pod-created']);
    expect(r.api.watchers.get(PODS)).not.toBe(firstPods);
  });
});
