// How the local platform reads rendered manifests, without starting anything: defaults and
// rounding as Kubernetes applies them, one-line rejections, the image mapping, pod names, the
// container environment, and the rolling-update arithmetic under every combination of budgets.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerEnv, expandVars } from '../scripts/platforms/local/container-env.js';
import { repositoryOf, resolveImage, withLabNameserver } from '../scripts/platforms/local/images.js';
import { readObjects, resolveFenceposts, type DeploymentSpec } from '../scripts/platforms/local/objects.js';
import { podName, SAFE_ALPHABET, templateHash } from '../scripts/platforms/local/pod-names.js';
import { isRolledOut, planStep, type PodView } from '../scripts/platforms/local/rollout.js';
import { PlatformError } from '../scripts/platforms/platform.js';
import { type K8sObject } from '../scripts/model/k8s.js';
import { renderOverlay } from '../scripts/platforms/render.js';
import { Rng } from '../services/shared/rng.js';
import { configMap, deployment, service, serviceB } from './fixtures/local/objects.js';
import { PROJECT_ROOT } from './helpers/processes.js';
import { scenarioOverlayDirs } from './helpers/scenario-overlays.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function onlyDeployment(objects: K8sObject[]): DeploymentSpec {
  return readObjects(objects).deployments[0];
}

function rejects(objects: K8sObject[]): string {
  try {
    readObjects(objects);
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('accepted');
}

/** serviceB with one field of its container changed. */
function bWith(container: Json): K8sObject {
  return serviceB({ container });
}

describe('reading objects', () => {
  it('applies Kubernetes defaults', () => {
    const d = onlyDeployment([deployment('x', 'x', { args: ['service-b'], ports: [], readinessProbe: { tcpSocket: { port: 1 } } })]);
    expect(d.replicas).toBe(1);
    expect(d.namespace).toBe('grpc-lab');
    expect(d.template.terminationGracePeriodSeconds).toBe(30);
    expect(d.maxSurge).toEqual({ value: 25, percent: true });
    expect(d.template.container.readinessProbe).toMatchObject({ initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
  });

  it('rounds maxSurge up and maxUnavailable down, and lets one pod go when both come out 0', () => {
    const pct = (surge: number | string, unavailable: number | string) =>
      onlyDeployment([serviceB({ strategy: { rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } })]);
    expect(resolveFenceposts(pct('25%', '25%'), 10)).toEqual({ surge: 3, unavailable: 2 });
    expect(resolveFenceposts(pct('25%', '25%'), 20)).toEqual({ surge: 5, unavailable: 5 });
    expect(resolveFenceposts(pct('25%', '25%'), 1)).toEqual({ surge: 1, unavailable: 0 });
    expect(resolveFenceposts(pct(2, '0%'), 10)).toEqual({ surge: 2, unavailable: 0 });
    expect(resolveFenceposts(pct(0, '10%'), 4)).toEqual({ surge: 0, unavailable: 1 });
    expect(rejects([serviceB({ strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } })])).toBe(
      'Deployment/service-b: spec.strategy.rollingUpdate maxSurge and maxUnavailable may not both be 0',
    );
    expect(rejects([serviceB({ strategy: { rollingUpdate: { maxSurge: '1' } } })])).toContain('must be a whole number or a percentage');
  });

  it('reads preStop sleeps in every form and nothing else', () => {
    const preStop = (p: Json) => onlyDeployment([serviceB({ preStop: p })]).template.container.preStop;
    expect(preStop({ exec: { command: ['sleep', '5'] } })).toEqual({ seconds: 5, description: 'exec sleep 5' });
    expect(preStop({ exec: { command: ['/bin/sh', '-c', 'sleep 2.5'] } })).toEqual({ seconds: 2.5, description: 'exec sleep 2.5' });
    expect(preStop({ sleep: { seconds: 3 } })).toEqual({ seconds: 3, description: 'sleep 3' });
    expect(rejects([serviceB({ preStop: { exec: { command: ['nginx', '-s', 'quit'] } } })])).toContain('is not supported: the local platform runs only `sleep N`');
    expect(rejects([serviceB({ preStop: { httpGet: { port: 80 } } })])).toContain('httpGet is not supported');
  });

  it('reads every supported probe and rejects exec probes', () => {
    const probe = (p: Json) => onlyDeployment([serviceB({ readinessProbe: p })]).template.container.readinessProbe!.handler;
    expect(probe({ grpc: { port: 50051 } })).toEqual({ kind: 'grpc', port: 50051, service: '' });
    expect(probe({ httpGet: { path: '/healthz', port: 'metrics' } })).toEqual({ kind: 'httpGet', port: 'metrics', path: '/healthz', headers: [] });
    expect(probe({ tcpSocket: { port: 50051 } })).toEqual({ kind: 'tcpSocket', port: 50051 });
    expect(rejects([serviceB({ readinessProbe: { exec: { command: ['true'] } } })])).toBe(
      'Deployment/service-b: spec.template.spec.containers[0].readinessProbe.exec probes are not supported by the local platform: use grpc, httpGet or tcpSocket',
    );
  });

  it('reads Services: ClusterIP, headless, named and defaulted target ports', () => {
    const [clusterIp, headless] = readObjects([service('a', 'a', { ports: [{ port: 80 }] }), service('b', 'b', { headless: true })]).services;
    expect(clusterIp).toMatchObject({ headless: false, ports: [{ port: 80, targetPort: 80 }] });
    expect(headless).toMatchObject({ headless: true, ports: [{ name: 'grpc', port: 50051, targetPort: 'grpc' }] });
    const lb = service('c', 'c');
    (lb.spec as Json).type = 'LoadBalancer';
    expect(rejects([lb])).toContain('LoadBalancer is not supported');
  });

  it('rejects what it cannot emulate, naming the object and the field', () => {
    expect(rejects([{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' } }])).toContain('kind Ingress is not supported');
    expect(readObjects([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'lab' } }]).deployments).toEqual([]);
    expect(rejects([bWith({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] })])).toContain('only fieldRef is supported');
    expect(rejects([bWith({ env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] })])).toContain('spec.nodeName is not supported');
    expect(rejects([serviceB({ podSpec: { restartPolicy: 'Never' } })])).toContain('Never is not supported');
    expect(rejects([serviceB({ podSpec: { initContainers: [{ name: 'i' }] } })])).toContain('initContainers is not supported');
    expect(rejects([serviceB({ strategy: { type: 'Recreate' } })])).toContain('Recreate is not supported');
    expect(rejects([serviceB({ podSpec: { volumes: [{ name: 'v', configMap: { name: 'missing' } }] } })])).toContain('needs ConfigMap missing');
    expect(rejects([serviceB({ podSpec: { volumes: [{ name: 'v', hostPath: { path: '/' } }] } })])).toContain('hostPath is not supported');
  });

  it('ignores what does not change the data path', () => {
    const d = onlyDeployment([bWith({ resources: { limits: { cpu: '1' } }, securityContext: { runAsUser: 1 }, imagePullPolicy: 'Always', livenessProbe: { tcpSocket: { port: 1 } } })]);
    expect(d.template.container.image).toBe('grpc-k8s-lab:dev');
  });

  it('accepts every scenario overlay of the lab and can run every image in it', async () => {
    for (const dir of [path.join(PROJECT_ROOT, 'k8s/base'), ...scenarioOverlayDirs()]) {
      const lab = readObjects(await renderOverlay(dir));
      expect(lab.deployments.length).toBeGreaterThan(0);
      for (const d of lab.deployments) expect(typeof resolveImage(d.template.container, d.name)).toBe('function');
    }
  }, 60_000);
});

describe('image mapping', () => {
  const container = (objects: K8sObject[]) => onlyDeployment(objects).template.container;

  it('maps the lab image by args[0] and refuses what it cannot run', () => {
    expect(repositoryOf('registry.local:5000/team/grpc-k8s-lab:v1@sha256:abc')).toBe('grpc-k8s-lab');
    const launch = resolveImage(container([serviceB()]), 'Deployment/service-b');
    const plan = launch({ files: undefined as never, dns: { ip: '127.9.0.10', port: 10053 } });
    expect(plan.command).toBe(process.execPath);
    expect(plan.args).toEqual([path.join(PROJECT_ROOT, 'dist/services/b/main.js')]);
    expect(() => resolveImage(container([serviceB({ args: ['service-c'] })]), 'D')).toThrow('D: grpc-k8s-lab:dev needs args[0] service-a or service-b, got "service-c"');
    expect(() => resolveImage(container([serviceB({ image: 'nginx:1.27' })]), 'D')).toThrow('image nginx:1.27 is not supported by the local platform');
  });

  it('runs HAProxy on the mounted config, pointed at the lab DNS', () => {
    const objects = [
      configMap('cfg', { 'haproxy.cfg': 'x' }),
      deployment('p', 'p', {
        image: 'haproxy:2.6',
        args: ['-f', '/etc/elsewhere/haproxy.cfg'],
        ports: [],
        container: { volumeMounts: [{ name: 'c', mountPath: '/usr/local/etc/haproxy' }] },
        podSpec: { volumes: [{ name: 'c', configMap: { name: 'cfg' } }] },
      }),
    ];
    expect(() => resolveImage(container(objects), 'D')).toThrow('D: haproxy config /etc/elsewhere/haproxy.cfg is not in a mounted ConfigMap volume');
    const config = 'resolvers cluster\n    parse-resolv-conf\n    hold valid 1s\n';
    expect(withLabNameserver(config, { ip: '127.9.0.10', port: 10053 })).toBe('resolvers cluster\n    nameserver lab tcp@127.9.0.10:10053\n    hold valid 1s\n');
  });
});

describe('pod names', () => {
  it('is <deployment>-<10-char template hash>-<5 random chars> in the ReplicaSet alphabet', () => {
    const template = { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'b' }] } };
    const hash = templateHash(template);
    const name = podName('service-b', hash, () => 0.5);
    expect(name).toMatch(new RegExp(`^service-b-[${SAFE_ALPHABET}]{10}-[${SAFE_ALPHABET}]{5}$`));
    // The same template, keys in another order: the same hash. Another annotation: another hash.
    expect(templateHash({ spec: { containers: [{ name: 'b' }] }, metadata: { labels: { app: 'b' } } })).toBe(hash);
    expect(templateHash({ ...template, metadata: { ...template.metadata, annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } } })).not.toBe(hash);
  });
});

describe('container environment', () => {
  it('resolves the downward API, expands $(VAR) and adds the lab DNS', () => {
    const env = containerEnv(
      [
        { name: 'POD_NAME', fieldPath: 'metadata.name' },
        { name: 'ME', fieldPath: 'status.podIP' },
        { name: 'GREETING', value: 'I am $(POD_NAME) at $(ME), $$(ME) stays, $(NOPE) too' },
      ],
      { name: 'b-1', namespace: 'grpc-lab', ip: '127.9.1.1' },
      { ip: '127.9.0.10', port: 10053 },
    );
    expect(env).toMatchObject({
      POD_NAME: 'b-1',
      POD_IP: '127.9.1.1',
      ME: '127.9.1.1',
      POD_NAMESPACE: 'grpc-lab',
      HOSTNAME: 'b-1',
      DNS_SERVER: '127.9.0.10:10053',
      GRPC_NODE_USE_ALTERNATIVE_RESOLVER: 'true',
      GREETING: 'I am b-1 at 127.9.1.1, $(ME) stays, $(NOPE) too',
    });
    expect(Object.keys(env)).not.toContain('HOME');
    expect(expandVars('$$$(A)', { A: 'x' })).toBe('$x');
  });
});

describe('rolling update arithmetic', () => {
  /**
   * Runs a whole rollout step by step: after each plan is applied, one random not-ready pod of
   * the new template becomes ready. Checks both budgets after every step and that it finishes.
   */
  function simulate(replicas: number, surge: number, unavailable: number, seed: number): { steps: number; maxActive: number; minReady: number } {
    const rng = new Rng(seed);
    let clock = 0;
    let pods: PodView[] = Array.from({ length: replicas }, (_, i) => ({ name: `old-${i}`, hash: 'old', ready: true, createdAt: clock++ }));
    let created = 0;
    let maxActive = pods.length;
    let minReady = replicas;
    for (let steps = 0; steps < 10 * replicas + 10; steps++) {
      const plan = planStep(pods, 'new', replicas, { surge, unavailable });
      // Created before the old pods are removed, as the controller applies a plan.
      for (let i = 0; i < plan.create; i++) pods.push({ name: `new-${created++}`, hash: 'new', ready: false, createdAt: clock++ });
      maxActive = Math.max(maxActive, pods.length);
      pods = pods.filter((p) => !plan.remove.includes(p.name));
      minReady = Math.min(minReady, pods.filter((p) => p.ready).length);
      if (isRolledOut(pods, 'new', replicas)) return { steps, maxActive, minReady };
      const waiting = pods.filter((p) => !p.ready);
      if (waiting.length > 0) waiting[Math.floor(rng.next() * waiting.length)].ready = true;
    }
    throw new Error(`rollout of ${replicas} (surge ${surge}, unavailable ${unavailable}) did not finish`);
  }

  it('keeps both budgets and finishes for every combination', () => {
    for (const replicas of [1, 2, 3, 5, 10, 20]) {
      for (const [surge, unavailable] of [[1, 0], [0, 1], [3, 2], [replicas, 0], [0, replicas], [2, 2]]) {
        const r = simulate(replicas, surge, unavailable, replicas * 31 + surge);
        expect(r.maxActive, `${replicas}/${surge}/${unavailable}`).toBeLessThanOrEqual(replicas + surge);
        expect(r.minReady, `${replicas}/${surge}/${unavailable}`).toBeGreaterThanOrEqual(replicas - unavailable);
      }
    }
  });

  it('scales down the not-ready pods first, then the newest', () => {
    const pods: PodView[] = [
      { name: 'oldest', hash: 'h', ready: true, createdAt: 1 },
      { name: 'unready', hash: 'h', ready: false, createdAt: 2 },
      { name: 'middle', hash: 'h', ready: true, createdAt: 3 },
      { name: 'newest', hash: 'h', ready: true, createdAt: 4 },
    ];
    expect(planStep(pods, 'h', 2, { surge: 1, unavailable: 0 })).toEqual({ create: 0, remove: ['unready', 'newest'] });
    expect(planStep(pods, 'h', 6, { surge: 1, unavailable: 0 })).toEqual({ create: 2, remove: [] });
  });
});
