// The manifests as kubectl's kustomize renders them: the base carries every convention the
// services and platforms rely on, each component changes exactly what it says, and the renderer
// turns every bad input into one clear line.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../scripts/platforms/platform.js';
import { type K8sObject } from '../scripts/model/k8s.js';
import { parseManifests, renderOverlay, renderText } from '../scripts/platforms/render.js';
import { manifestDiff } from './helpers/manifest-diff.js';
import { PROJECT_ROOT } from './helpers/processes.js';
import { requireTool } from './helpers/required-tool.js';

const BASE = path.join(PROJECT_ROOT, 'k8s/base');
const COMPONENTS = path.join(PROJECT_ROOT, 'k8s/components');

// ---- small accessors over rendered objects --------------------------------------------------

// Rendered manifests are untyped JSON: the assertions below are the type check.
type Obj = Record<string, any>;

function find(objects: K8sObject[], kind: string, name: string): Obj {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o as Obj;
}

function container(deployment: Obj, name: string): Obj {
  const c = (deployment.spec.template.spec.containers as Obj[]).find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name} in ${deployment.metadata.name}`);
  return c;
}

/** env as name -> value, or name -> "fieldRef:PATH" for downward API entries. */
function envOf(c: Obj): Record<string, string> {
  return Object.fromEntries(
    (c.env as Obj[]).map((e) => [e.name, e.valueFrom ? `fieldRef:${e.valueFrom.fieldRef.fieldPath}` : e.value]),
  );
}

// ---- temporary overlays: base + components, referenced with relative paths -----------------

const tmpDirs: string[] = [];

async function overlay(components: string[], extra = ''): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grpc-lab-overlay-'));
  tmpDirs.push(dir);
  const rel = (p: string) => JSON.stringify(path.relative(dir, p));
  const text = [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    `resources: [${rel(BASE)}]`,
    `components: [${components.map((c) => rel(path.join(COMPONENTS, c))).join(', ')}]`,
    extra,
  ].join('\n');
  await writeFile(path.join(dir, 'kustomization.yaml'), text);
  return dir;
}

afterAll(async () => {
  await Promise.all(tmpDirs.map((d) => rm(d, { recursive: true, force: true })));
});

// ---- the base --------------------------------------------------------------------------------

describe('k8s/base', () => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await renderOverlay(BASE);
  });

  it('renders exactly the namespace, B (Deployment + Service) and A, all in grpc-lab', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/service-a',
      'Deployment/service-b',
      'Namespace/grpc-lab',
      'Service/service-b',
    ]);
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('grpc-lab');
  });

  it('service-b Deployment: labels, replicas, rolling update, grace period, image and args', () => {
    const b = find(objects, 'Deployment', 'service-b');
    expect(b.metadata.labels.app).toBe('service-b');
    expect(b.spec.selector.matchLabels).toEqual({ app: 'service-b' });
    expect(b.spec.template.metadata.labels.app).toBe('service-b');
    expect(b.spec.replicas).toBe(4);
    expect(b.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(b.spec.template.spec.terminationGracePeriodSeconds).toBe(30);
    const c = container(b, 'b');
    expect(b.spec.template.spec.containers).toHaveLength(1);
    expect(c.image).toBe('grpc-k8s-lab:dev');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.args).toEqual(['service-b']);
    expect(c.lifecycle).toBeUndefined();
  });

  it('service-b container: named ports, env, native gRPC readiness probe, resources', () => {
    const c = container(find(objects, 'Deployment', 'service-b'), 'b');
    expect(c.ports).toEqual([
      { name: 'grpc', containerPort: 50051 },
      { name: 'rest', containerPort: 8080 },
      { name: 'metrics', containerPort: 9090 },
    ]);
    expect(envOf(c)).toEqual({
      POD_NAME: 'fieldRef:metadata.name',
      POD_IP: 'fieldRef:status.podIP',
      WORK_MS: expect.stringMatching(/^\d+$/),
      CAPACITY: '0',
      SHUTDOWN_MODE: 'none',
    });
    expect(c.readinessProbe).toEqual({
      grpc: { port: 50051 },
      initialDelaySeconds: 0,
      periodSeconds: 1,
      timeoutSeconds: 3,
      failureThreshold: 1,
      successThreshold: 1,
    });
    for (const kind of ['requests', 'limits']) {
      expect(c.resources[kind].cpu, kind).toBeTruthy();
      expect(c.resources[kind].memory, kind).toBeTruthy();
    }
  });

  it('service-b Service: ClusterIP, named ports to named target ports, selects app=service-b', () => {
    const s = find(objects, 'Service', 'service-b');
    expect(s.spec.type).toBe('ClusterIP');
    expect(s.spec.clusterIP).toBeUndefined();
    expect(s.spec.selector).toEqual({ app: 'service-b' });
    expect(s.spec.ports).toEqual([
      { name: 'grpc', port: 50051, targetPort: 'grpc' },
      { name: 'rest', port: 8080, targetPort: 'rest' },
    ]);
  });

  it('service-a Deployment: one replica, stats port, /healthz readiness, the caller env', () => {
    const a = find(objects, 'Deployment', 'service-a');
    expect(a.metadata.labels.app).toBe('service-a');
    expect(a.spec.selector.matchLabels).toEqual({ app: 'service-a' });
    expect(a.spec.template.metadata.labels.app).toBe('service-a');
    expect(a.spec.replicas).toBe(1);
    const c = container(a, 'a');
    expect(c.image).toBe('grpc-k8s-lab:dev');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.args).toEqual(['service-a']);
    expect(c.ports).toEqual([{ name: 'stats', containerPort: 9090 }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'stats' });
    expect(envOf(c)).toEqual({
      POD_NAME: 'fieldRef:metadata.name',
      POD_IP: 'fieldRef:status.podIP',
      TARGET: 'dns:///service-b.grpc-lab.svc.cluster.local.:50051',
      LB_POLICY: 'pick_first',
      CHANNELS: '1',
      RATE: '100',
      DEADLINE_MS: '2000',
      RETRIES: 'off',
      PROTOCOL: 'grpc',
      REST_TARGET: 'http://service-b.grpc-lab.svc.cluster.local.:8080',
      NODE_OPTIONS: '--max-semi-space-size=2',
    });
    // The load generator's CPU weight: 25 B pods' worth, so ten B pods starting at once cannot starve it.
    expect(c.resources.requests.cpu).toBe('500m');
    expect(c.readinessProbe.timeoutSeconds).toBe(3);
    expect(c.resources.limits.memory).toBeTruthy();
  });

  it('every container runs as a non-root user without privilege escalation', () => {
    for (const name of ['service-a', 'service-b']) {
      const d = find(objects, 'Deployment', name);
      expect(d.spec.template.spec.securityContext, name).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      for (const c of d.spec.template.spec.containers as Obj[]) {
        expect(c.securityContext.allowPrivilegeEscalation, `${name}/${c.name}`).toBe(false);
      }
    }
  });
});

// ---- each component, against the base -------------------------------------------------------

const A_ENV = '~ Deployment/service-a spec.template.spec.containers[a].env';
const B_ENV = '~ Deployment/service-b spec.template.spec.containers[b].env';
const B_SPEC = '~ Deployment/service-b spec.template.spec';

/** Exactly what each component changes, as manifestDiff lines. */
const EXPECTED: Record<string, string[]> = {
  headless: [
    `${A_ENV}[LB_POLICY].value: "pick_first" -> "round_robin"`,
    '~ Service/service-b spec.clusterIP: (none) -> "None"',
  ],
  'force-stop': [`${B_ENV}[SHUTDOWN_MODE].value: "none" -> "stop"`],
  'graceful-shutdown': [
    `${B_ENV}[DRAIN_TIMEOUT_MS].name: (none) -> "DRAIN_TIMEOUT_MS"`,
    `${B_ENV}[DRAIN_TIMEOUT_MS].value: (none) -> "10000"`,
    `${B_ENV}[SHUTDOWN_MODE].value: "none" -> "graceful"`,
  ],
  'prestop-sleep': [
    `${B_SPEC}.containers[b].lifecycle.preStop.exec.command[0]: (none) -> "sleep"`,
    `${B_SPEC}.containers[b].lifecycle.preStop.exec.command[1]: (none) -> "5"`,
    `${B_SPEC}.terminationGracePeriodSeconds: 30 -> 20`,
  ],
  'max-connection-age': [
    `${B_ENV}[MAX_CONNECTION_AGE_GRACE_MS].name: (none) -> "MAX_CONNECTION_AGE_GRACE_MS"`,
    `${B_ENV}[MAX_CONNECTION_AGE_GRACE_MS].value: (none) -> "3000"`,
    `${B_ENV}[MAX_CONNECTION_AGE_MS].name: (none) -> "MAX_CONNECTION_AGE_MS"`,
    `${B_ENV}[MAX_CONNECTION_AGE_MS].value: (none) -> "5000"`,
  ],
  retries: [`${A_ENV}[RETRIES].value: "off" -> "on"`],
  'l7-proxy': [
    '+ ConfigMap/l7-proxy-config',
    '+ Deployment/l7-proxy',
    '+ Service/l7-proxy',
    '+ Service/service-b-pods',
    `${A_ENV}[TARGET].value: "dns:///service-b.grpc-lab.svc.cluster.local.:50051" -> "dns:///l7-proxy.grpc-lab.svc.cluster.local.:50051"`,
  ],
};

describe('round 5 clients', () => {
  it('every client runs the same Node as the base\'s service-a (its GC setting): the table compares protocols, not runtimes', async () => {
    const base = container(find(await renderOverlay(BASE), 'Deployment', 'service-a'), 'a');
    const compare = await renderOverlay(path.join(PROJECT_ROOT, 'k8s/scenarios/5-synthesis/compare'));
    const clients = compare.filter((o) => o.kind === 'Deployment' && o.metadata.name.startsWith('service-a'));
    expect(clients.map((o) => o.metadata.name).sort()).toEqual(['service-a', 'service-a-grpc-rate', 'service-a-rest', 'service-a-rest-rate']);
    for (const client of clients) {
      const c = container(client as Obj, 'a');
      expect([client.metadata.name, envOf(c).NODE_OPTIONS]).toEqual([client.metadata.name, envOf(base).NODE_OPTIONS]);
      // ...and with the same CPU weight and probe: on a cluster the rows compete for the same CPU.
      expect([client.metadata.name, c.resources, c.readinessProbe]).toEqual([client.metadata.name, base.resources, base.readinessProbe]);
    }
    expect(envOf(base).NODE_OPTIONS).toMatch(/--max-semi-space-size=/);
  });
});

describe('k8s/components', () => {
  let base: K8sObject[];
  beforeAll(async () => {
    base = await renderOverlay(BASE);
  });

  it('every component directory is listed in this test, and is a kustomize Component', async () => {
    const { readdir } = await import('node:fs/promises');
    const dirs = (await readdir(COMPONENTS, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(dirs.sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const name of dirs) {
      const text = await readFile(path.join(COMPONENTS, name, 'kustomization.yaml'), 'utf8');
      expect(text, name).toMatch(/^# Fix|^# Address/); // opens with the failure it addresses
      expect(text, name).toContain('kind: Component');
      expect(text, name).toContain('apiVersion: kustomize.config.k8s.io/v1alpha1');
    }
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name} changes exactly what it should`, async () => {
      const rendered = await renderOverlay(await overlay([name]));
      expect(manifestDiff(base, rendered)).toEqual(expected);
    });
  }

  it('components compose: the all-fixes set changes the union of what each changes', async () => {
    const fixes = ['headless', 'graceful-shutdown', 'prestop-sleep', 'max-connection-age'];
    const rendered = await renderOverlay(await overlay(fixes));
    expect(manifestDiff(base, rendered)).toEqual(fixes.flatMap((f) => EXPECTED[f]).sort());
  });

  it("prestop-sleep's grace period covers preStop + graceful-shutdown's drain, with a margin", async () => {
    const b = find(await renderOverlay(await overlay(['graceful-shutdown', 'prestop-sleep'])), 'Deployment', 'service-b');
    const c = container(b, 'b');
    const [cmd, seconds] = c.lifecycle.preStop.exec.command as string[];
    expect(cmd).toBe('sleep');
    const drainS = Number(envOf(c).DRAIN_TIMEOUT_MS) / 1000;
    const grace = b.spec.template.spec.terminationGracePeriodSeconds as number;
    expect(grace).toBeGreaterThanOrEqual(Number(seconds) + drainS + 1);
  });

  it('max-connection-age grace outlives the longest unary call (A\'s deadline)', async () => {
    const rendered = await renderOverlay(await overlay(['max-connection-age']));
    const grace = Number(envOf(container(find(rendered, 'Deployment', 'service-b'), 'b')).MAX_CONNECTION_AGE_GRACE_MS);
    const deadline = Number(envOf(container(find(rendered, 'Deployment', 'service-a'), 'a')).DEADLINE_MS);
    expect(grace).toBeGreaterThan(deadline);
  });

  it('l7-proxy adds HAProxy, its config, its Service and the headless Service it resolves', async () => {
    const objects = await renderOverlay(await overlay(['l7-proxy']));
    for (const o of objects) expect(o.metadata.namespace ?? 'grpc-lab', `${o.kind}/${o.metadata.name}`).toBe('grpc-lab');

    const proxy = find(objects, 'Deployment', 'l7-proxy');
    expect(proxy.metadata.labels.app).toBe('l7-proxy');
    expect(proxy.spec.selector.matchLabels).toEqual({ app: 'l7-proxy' });
    const c = proxy.spec.template.spec.containers[0] as Obj;
    expect(c.image).toBe('haproxy:2.6');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.args).toEqual(['-f', '/usr/local/etc/haproxy/haproxy.cfg']);
    expect(envOf(c)).toEqual({ POD_IP: 'fieldRef:status.podIP', READY_BACKENDS: '1' });
    expect(c.ports).toEqual([
      { name: 'grpc', containerPort: 50051 },
      { name: 'ready', containerPort: 8404 },
    ]);
    // ready once READY_BACKENDS B pods are UP behind it (haproxy.cfg's monitor-uri), not as soon as it listens
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'ready' });
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(proxy.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true });
    const mount = (c.volumeMounts as Obj[])[0];
    expect(mount.mountPath).toBe('/usr/local/etc/haproxy/');
    const volume = (proxy.spec.template.spec.volumes as Obj[]).find((v) => v.name === mount.name)!;
    expect(volume.configMap.name).toBe('l7-proxy-config');

    const config = find(objects, 'ConfigMap', 'l7-proxy-config');
    expect(Object.keys(config.data)).toEqual(['haproxy.cfg']);
    expect(config.data['haproxy.cfg']).toBe(await readFile(path.join(COMPONENTS, 'l7-proxy/haproxy.cfg'), 'utf8'));

    const svc = find(objects, 'Service', 'l7-proxy');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.selector).toEqual({ app: 'l7-proxy' });
    expect(svc.spec.ports).toEqual([{ name: 'grpc', port: 50051, targetPort: 'grpc' }]);

    const pods = find(objects, 'Service', 'service-b-pods');
    expect(pods.spec.clusterIP).toBe('None');
    expect(pods.spec.selector).toEqual({ app: 'service-b' });
    expect(pods.spec.ports).toEqual([{ name: 'grpc', port: 50051, targetPort: 'grpc' }]);
  });

  it("round 3's l7-proxy: HAProxy reports ready only with every B pod UP behind it", async () => {
    const objects = await renderOverlay(path.join(PROJECT_ROOT, 'k8s/scenarios/3-constraint/l7-proxy'));
    const proxy = container(find(objects, 'Deployment', 'l7-proxy'), 'haproxy');
    expect(envOf(proxy).READY_BACKENDS).toBe(String(find(objects, 'Deployment', 'service-b').spec.replicas));
  });

  it('haproxy.cfg holds the lines both platforms rely on', async () => {
    const cfg = await readFile(path.join(COMPONENTS, 'l7-proxy/haproxy.cfg'), 'utf8');
    const lines = cfg.split('\n').map((l) => l.trim());
    expect(lines).toContain('mode http');
    expect(lines).toContain('bind "${POD_IP}:50051" proto h2');
    expect(lines).toContain('balance roundrobin');
    expect(lines).toContain(
      'server-template b 32 service-b-pods.grpc-lab.svc.cluster.local:50051 proto h2 check resolvers cluster init-addr none resolve-prefer ipv4',
    );
    // The local platform rewrites exactly this one line to point at its DNS server.
    expect(lines.filter((l) => l === 'parse-resolv-conf')).toHaveLength(1);
    expect(cfg).not.toMatch(/bind\s+(:|0\.0\.0\.0|\*)/);
  });

  it('an overlay that sets replicas and one env value stays a few lines (the README example)', async () => {
    const dir = path.join(PROJECT_ROOT, 'test/fixtures/k8s/example-overlay');
    const text = await readFile(path.join(dir, 'kustomization.yaml'), 'utf8');
    expect(text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).length).toBeLessThanOrEqual(20);
    const objects = await renderOverlay(dir);
    const b = find(objects, 'Deployment', 'service-b');
    expect(b.spec.replicas).toBe(10);
    expect(envOf(container(b, 'b'))).toMatchObject({ CAPACITY: '20', SHUTDOWN_MODE: 'none', POD_NAME: 'fieldRef:metadata.name' });
    expect(find(objects, 'Service', 'service-b').spec.clusterIP).toBe('None');
    expect(envOf(container(find(objects, 'Deployment', 'service-a'), 'a')).LB_POLICY).toBe('round_robin');
    // The README shows the same overlay, with paths as seen from k8s/scenarios/<round>/<variant>.
    const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const body = text.split('\n').filter((l) => !l.startsWith('#')).join('\n').replaceAll('../../../../k8s/', '../../../');
    expect(readme).toContain(body.trim());
  });
});

// ---- haproxy accepts the config, as the pod would run it ------------------------------------

const haproxyMissing = spawnSync('haproxy', ['-v']).error !== undefined;

/** The config as the local platform runs it: its DNS server instead of the pod's resolv.conf. */
async function localHaproxyConfig(): Promise<string> {
  const cfg = await readFile(path.join(COMPONENTS, 'l7-proxy/haproxy.cfg'), 'utf8');
  return cfg.replace(/^(\s*)parse-resolv-conf$/m, '$1nameserver lab 127.0.0.1:53');
}

async function haproxyCheck(cfg: string): Promise<{ status: number | null; output: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grpc-lab-haproxy-'));
  tmpDirs.push(dir);
  const file = path.join(dir, 'haproxy.cfg');
  await writeFile(file, cfg);
  const r = spawnSync('haproxy', ['-c', '-f', file], { env: { ...process.env, POD_IP: '127.0.0.1', READY_BACKENDS: '1' }, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('haproxy.cfg with the real haproxy', () => {
  it('is valid (haproxy -c), and the same check rejects a broken config', async () => {
    requireTool(!haproxyMissing, 'haproxy');
    const good = await haproxyCheck(await localHaproxyConfig());
    expect(good.output).toContain('Configuration file is valid');
    expect(good.status).toBe(0);
    const broken = await haproxyCheck((await localHaproxyConfig()).replace('balance roundrobin', 'balance round-robin'));
    expect(broken.status).not.toBe(0);
  });
});

// ---- the renderer's error paths -------------------------------------------------------------

async function failure(p: Promise<unknown>): Promise<PlatformError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  const message = (err as PlatformError).message;
  expect(message).not.toContain('\n');
  return err as PlatformError;
}

describe('render.ts', () => {
  it('parseManifests reads a multi-document stream and skips empty documents', () => {
    const objects = parseManifests('---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n---\napiVersion: v1\nkind: Service\nmetadata: {name: y}\n');
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/x', 'Service/y']);
  });

  it('parseManifests rejects malformed YAML with the source and line', async () => {
    const err = await failure((async () => parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n', 'cm.yaml'))());
    expect(err.message).toMatch(/^cm\.yaml:\d+:\d+: malformed YAML: Flow sequence.*\]$/);
    const dup = await failure((async () => parseManifests('apiVersion: v1\nkind: A\nkind: B\nmetadata: {name: x}\n', 'dup.yaml'))());
    expect(dup.message).toMatch(/^dup\.yaml:3:1: malformed YAML: Map keys must be unique$/);
  });

  it('parseManifests rejects an object without apiVersion, kind or metadata.name, naming the field and line', async () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Service\nmetadata: {labels: {a: b}}\n';
    const err = await failure((async () => parseManifests(text, 'svc.yaml'))());
    expect(err.message).toBe('svc.yaml:5: Service object has no metadata.name');
    const noKind = await failure((async () => parseManifests('apiVersion: v1\nmetadata: {name: x}\n', 'x.yaml'))());
    expect(noKind.message).toBe('x.yaml:1: object has no kind');
    const list = await failure((async () => parseManifests('- a\n- b\n', 'list.yaml'))());
    expect(list.message).toBe('list.yaml:1: expected a Kubernetes object (a mapping), got a list');
  });

  it('renderOverlay on a missing directory fails with one clear line', async () => {
    const missing = path.join(os.tmpdir(), 'grpc-lab-no-such-overlay');
    const err = await failure(renderOverlay(missing));
    expect(err.message).toBe(`overlay directory not found: ${missing}`);
  });

  it('a kustomize error becomes one line with kustomize\'s reason', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'grpc-lab-overlay-'));
    tmpDirs.push(dir);
    await writeFile(path.join(dir, 'kustomization.yaml'), 'resources: [no-such-file.yaml]\n');
    const err = await failure(renderOverlay(dir));
    expect(err.message).toMatch(new RegExp(`^kubectl kustomize ${dir}: .*no-such-file\\.yaml`));
    expect(err.message).not.toMatch(/^E\d{4}|command failed/);
  });

  it('a missing kubectl fails with one line naming it and how to install it', async () => {
    const err = await failure(renderOverlay(BASE, { kubectl: 'kubectl-not-installed-here' }));
    expect(err.message).toMatch(/^kubectl-not-installed-here not found: install it from https:\/\/kubernetes\.io\/docs\/tasks\/tools\//);
  });

  it('renderText returns the YAML stream that renderOverlay parses', async () => {
    const text = await renderText(BASE);
    expect(parseManifests(text)).toEqual(await renderOverlay(BASE));
  });
});
