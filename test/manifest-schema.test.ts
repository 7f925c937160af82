// Strict validation of rendered manifests against the Kubernetes schema (client-node's generated
// models): every overlay the lab can run validates clean, and each kind of mistake the API server
// would refuse (an unknown field, a value of the wrong type, a kind its apiVersion does not serve)
// is one line naming the object and the field path.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import type { K8sObject } from '../scripts/model/k8s.js';
import { lookupKind, modelClass } from '../scripts/platforms/api-kinds.js';
import { ManifestError } from '../scripts/platforms/manifest-error.js';
import { QUANTITY_FIELDS, schemaProblems, validateManifests } from '../scripts/platforms/manifest-schema.js';
import { renderOverlay } from '../scripts/platforms/render.js';
import { ROUNDS } from '../scripts/scenarios/index.js';
import { renderVariant } from '../scripts/scenarios/runner.js';
import { overlayWith, removeOverlays } from './helpers/kind-fakes.js';
import { PROJECT_ROOT } from './helpers/processes.js';

afterAll(removeOverlays);

const COMPONENTS = ['force-stop', 'graceful-shutdown', 'headless', 'l7-proxy', 'max-connection-age', 'prestop-sleep', 'retries'];
const variants = ROUNDS.flatMap((r) => r.variants.map((v) => [`${r.round}-${r.name}/${v.name}`, r, v] as const));

// Rendered manifests are untyped JSON: tests reach into them freely.
type Obj = Record<string, any>;

let base: K8sObject[] | undefined;
async function baseObjects(): Promise<K8sObject[]> {
  base ??= await renderOverlay(path.join(PROJECT_ROOT, 'k8s/base'));
  return base;
}

async function serviceB(): Promise<Obj> {
  return structuredClone((await baseObjects()).find((o) => o.kind === 'Deployment' && o.metadata.name === 'service-b')!) as Obj;
}

function deployment(spec: Obj): K8sObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec };
}

function pod(container: Obj, podSpec: Obj = {}): K8sObject {
  return deployment({ selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', ...container }], ...podSpec } } });
}

describe('every manifest the lab applies validates clean', () => {
  it('covers every variant of every round', () => {
    expect(variants.length).toBe(ROUNDS.reduce((n, r) => n + r.variants.length, 0));
    expect(variants.length).toBeGreaterThanOrEqual(15);
  });

  it.each(variants)('%s, as the runner applies it (with its seed)', async (_name, round, variant) => {
    const objects = await renderVariant(PROJECT_ROOT, round, variant, 7);
    expect(objects.length).toBeGreaterThan(2);
    expect(objects.flatMap(schemaProblems)).toEqual([]);
  });

  it.each(COMPONENTS)('the base with component %s', async (component) => {
    const objects = await renderOverlay(await overlayWith([component]));
    expect(objects.flatMap(schemaProblems)).toEqual([]);
  });
});

describe('the faults a real API server refuses', () => {
  it('a mistyped field (contaners:) is an unknown field, with the likely name', async () => {
    const b = await serviceB();
    b.spec.template.spec.contaners = b.spec.template.spec.containers;
    delete b.spec.template.spec.containers;
    expect(schemaProblems(b as K8sObject)).toEqual(['Deployment service-b: spec.template.spec.contaners: unknown field (did you mean "containers"?)']);
  });

  it('an env value written as a number (value: 20) is a wrong type', async () => {
    const b = await serviceB();
    const env = b.spec.template.spec.containers[0].env as Obj[];
    const at = env.findIndex((e) => e.name === 'CAPACITY');
    env[at].value = 20;
    expect(schemaProblems(b as K8sObject)).toEqual([`Deployment service-b: spec.template.spec.containers[0].env[${at}].value: expected a string, got the number 20`]);
  });

  it('validateManifests throws one ManifestError line: the source, the first problem, how many more', () => {
    const bad = [pod({ image: 1 }), pod({ imagePullPolicy: true, stdin: 'yes' })];
    const err = (() => {
      try {
        validateManifests(bad, 'k8s/x');
      } catch (e) {
        return e as Error;
      }
      throw new Error('validateManifests accepted bad objects');
    })();
    expect(err).toBeInstanceOf(ManifestError);
    expect(err.message).toBe('k8s/x: Deployment d: spec.template.spec.containers[0].image: expected a string, got the number 1 (and 2 more)');
    expect(() => validateManifests([pod({ image: 'x:1' })], 'k8s/x')).not.toThrow();
  });

  it('numbers: whole where the schema says int32/int64, within int32, never a string', () => {
    expect(schemaProblems(pod({ ports: [{ containerPort: 80.5 }, { containerPort: 2 ** 31 }, { containerPort: '80' }] }))).toEqual([
      'Deployment d: spec.template.spec.containers[0].ports[0].containerPort: expected a whole number, got the number 80.5',
      'Deployment d: spec.template.spec.containers[0].ports[1].containerPort: expected a 32-bit whole number, got the number 2147483648',
      'Deployment d: spec.template.spec.containers[0].ports[2].containerPort: expected a number, got the string "80"',
    ]);
    expect(schemaProblems(deployment({ replicas: '3' }))).toEqual(['Deployment d: spec.replicas: expected a number, got the string "3"']);
  });

  it('int-or-string fields take a whole number or a string, nothing else', () => {
    const strategy = (maxSurge: unknown, maxUnavailable: unknown) => deployment({ strategy: { rollingUpdate: { maxSurge, maxUnavailable } } });
    expect(schemaProblems(strategy('25%', 0))).toEqual([]);
    expect(schemaProblems(strategy(1.5, true))).toEqual([
      'Deployment d: spec.strategy.rollingUpdate.maxSurge: expected a whole number or a string, got the number 1.5',
      'Deployment d: spec.strategy.rollingUpdate.maxUnavailable: expected a whole number or a string, got the boolean true',
    ]);
    expect(schemaProblems(pod({ readinessProbe: { httpGet: { port: 'stats', path: '/healthz' } } }))).toEqual([]);
  });

  it('quantities take a number or a quantity string (the generator types them as strings)', () => {
    expect(schemaProblems(pod({ resources: { requests: { cpu: 1, memory: '64Mi' }, limits: { cpu: '250m', memory: '1e3' } } }))).toEqual([]);
    expect(schemaProblems(pod({ resources: { requests: { cpu: '20x', memory: true } } }))).toEqual([
      'Deployment d: spec.template.spec.containers[0].resources.requests.cpu: expected a quantity (e.g. 100m, 1, 64Mi), got the string "20x"',
      'Deployment d: spec.template.spec.containers[0].resources.requests.memory: expected a quantity (e.g. 100m, 1, 64Mi), got the boolean true',
    ]);
    expect(schemaProblems(pod({}, { volumes: [{ name: 'v', emptyDir: { sizeLimit: 1 } }] }))).toEqual([]);
  });

  it('maps of strings: labels and annotations must be string to string; keys with dots are quoted in the path', () => {
    const withMeta = (metadata: Obj): K8sObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm', ...metadata } });
    expect(schemaProblems(withMeta({ labels: { 'app.kubernetes.io/part-of': 'grpc-k8s-lab' } }))).toEqual([]);
    expect(schemaProblems(withMeta({ labels: { 'app.kubernetes.io/version': 2 }, annotations: ['a'] }))).toEqual([
      'ConfigMap m: metadata.labels["app.kubernetes.io/version"]: expected a string, got the number 2',
      'ConfigMap m: metadata.annotations: expected a mapping, got a list',
    ]);
    expect(schemaProblems({ ...withMeta({}), data: { 'haproxy.cfg': 'global\n', PORT: 80 } })).toEqual(['ConfigMap m: data.PORT: expected a string, got the number 80']);
  });

  it('lists, mappings and booleans: the shape is checked, not only the leaves', () => {
    expect(schemaProblems(pod({ args: 'service-b', env: [{ name: 'A', value: 'x' }, 'B=y'], stdin: 'yes' }))).toEqual([
      'Deployment d: spec.template.spec.containers[0].args: expected a list, got the string "service-b"',
      'Deployment d: spec.template.spec.containers[0].env[1]: expected a mapping, got the string "B=y"',
      'Deployment d: spec.template.spec.containers[0].stdin: expected true or false, got the string "yes"',
    ]);
    expect(schemaProblems(deployment({ template: 'x' }))).toEqual(['Deployment d: spec.template: expected a mapping, got the string "x"']);
  });

  it('date-times must parse; null is "not set" anywhere, as the API server reads it', () => {
    const meta = (creationTimestamp: unknown): K8sObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', creationTimestamp } as K8sObject['metadata'] });
    expect(schemaProblems(meta('2024-05-01T10:00:00Z'))).toEqual([]);
    expect(schemaProblems(meta(null))).toEqual([]);
    expect(schemaProblems(meta('yesterday'))).toEqual(['Namespace n: metadata.creationTimestamp: expected a date-time (RFC 3339), got the string "yesterday"']);
    expect(schemaProblems(pod({ image: null, env: null }, { nodeSelector: null }))).toEqual([]);
  });

  it('unknown fields at every depth, top level included', () => {
    expect(schemaProblems({ ...deployment({ replicas: 1 }), spce: {} })).toEqual(['Deployment d: spce: unknown field (did you mean "spec"?)']);
    expect(schemaProblems({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, protocl: 'TCP' }] } })).toEqual([
      'Service s: spec.ports[0].protocl: unknown field (did you mean "protocol"?)',
    ]);
    // Far from every known name: no guess.
    expect(schemaProblems(pod({ sidecarMagic: 1 }))).toEqual(['Deployment d: spec.template.spec.containers[0].sidecarMagic: unknown field']);
  });

  it('a kind its apiVersion does not serve, or an apiVersion that is not built in', () => {
    expect(schemaProblems({ apiVersion: 'v1', kind: 'Deployment', metadata: { name: 'd' } })).toEqual(['Deployment d: kind Deployment is not served by apiVersion v1']);
    expect(schemaProblems({ apiVersion: 'apps/v2', kind: 'Deployment', metadata: { name: 'd' } })).toEqual(['Deployment d: apiVersion apps/v2 is not a built-in Kubernetes API']);
    expect(schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual(['Widget w: apiVersion example.com/v1 is not a built-in Kubernetes API']);
  });

  it('the same kind name in two groups reads the right schema (Event: core v1 and events.k8s.io/v1)', () => {
    expect(lookupKind('events.k8s.io/v1', 'Event')).toEqual({ model: 'EventsV1Event' });
    expect(lookupKind('v1', 'Event')).toEqual({ model: 'CoreV1Event' });
    expect(lookupKind('apps/v1', 'Deployment')).toEqual({ model: 'V1Deployment' });
    expect(lookupKind('policy/v1', 'PodDisruptionBudget')).toEqual({ model: 'V1PodDisruptionBudget' });
    expect(lookupKind('rbac.authorization.k8s.io/v1', 'Role')).toEqual({ model: 'V1Role' });
    const event = { metadata: { name: 'e' }, note: 'n', eventTime: '2024-05-01T10:00:00.000000Z' };
    expect(schemaProblems({ apiVersion: 'events.k8s.io/v1', kind: 'Event', ...event })).toEqual([]);
    expect(schemaProblems({ apiVersion: 'v1', kind: 'Event', ...event })).toEqual(['Event e: note: unknown field']);
    expect(schemaProblems({ apiVersion: 'events.k8s.io/v1', kind: 'Event', ...event, eventTime: 'soon' })).toEqual([
      'Event e: eventTime: expected a date-time (RFC 3339), got the string "soon"',
    ]);
  });
});

describe('the schema itself', () => {
  const models = Object.keys(k8s).filter((name) => modelClass(name) !== undefined);

  it('every type any model names is one the validator checks: nothing is skipped unread', () => {
    expect(models.length).toBeGreaterThan(500);
    const leaf = (type: string): string => {
      const inner = /^Array<(.+)>$/.exec(type) ?? /^\{ \[key: string\]: (.+); \}$/.exec(type);
      return inner ? leaf(inner[1]) : type;
    };
    const handled = new Set(['string', 'number', 'boolean', 'any', 'IntOrString', 'Date', 'V1MicroTime']);
    const unknown = new Set<string>();
    for (const name of models) {
      for (const a of modelClass(name)!.getAttributeTypeMap()) {
        const t = leaf(a.type);
        if (!handled.has(t) && modelClass(t) === undefined) unknown.add(`${name}.${a.baseName}: ${a.type}`);
      }
    }
    expect([...unknown]).toEqual([]);
  });

  it('every quantity field still exists in the models, typed as a string or a map of strings', () => {
    expect(QUANTITY_FIELDS.size).toBeGreaterThan(10);
    for (const field of QUANTITY_FIELDS) {
      const [model, attribute] = field.split('.');
      const found = modelClass(model)?.getAttributeTypeMap().find((a) => a.baseName === attribute);
      expect([field, found?.type]).toEqual([field, expect.stringMatching(/^(string|\{ \[key: string\]: string; \})$/)]);
    }
  });
});
