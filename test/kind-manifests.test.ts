// Every overlay the lab can apply (the base, the base with each component, every scenario variant)
// renders, and every rendered object survives a round trip through @kubernetes/client-node's typed
// models unchanged: a field the API does not know (a typo) would be lost, and is caught here,
// without a cluster.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../scripts/model/k8s.js';
import { prepareObjects } from '../scripts/platforms/cluster/objects.js';
import { OWNER_LABEL, OWNER_VALUE } from '../scripts/platforms/cluster/safety.js';
import { fieldDifferences, modelName, typedModelProblems } from '../scripts/platforms/cluster/typed-models.js';
import { renderOverlay } from '../scripts/platforms/render.js';
import { overlayWith, removeOverlays } from './helpers/kind-fakes.js';
import { PROJECT_ROOT } from './helpers/processes.js';
import { scenarioOverlayDirs } from './helpers/scenario-overlays.js';

const K8S = path.join(PROJECT_ROOT, 'k8s');

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir).filter((d) => statSync(path.join(dir, d)).isDirectory());
  } catch {
    return [];
  }
}

const components = subdirs(path.join(K8S, 'components'));
const scenarios = scenarioOverlayDirs();

afterAll(removeOverlays);

function expectCleanRoundTrip(objects: K8sObject[]): void {
  expect(objects.length).toBeGreaterThan(0);
  expect(objects.flatMap(typedModelProblems)).toEqual([]);
  // and the cluster platform accepts them: lab namespace only, known kinds only
  expect(() => prepareObjects(objects)).not.toThrow();
}

describe('typed-model round trip of every overlay', () => {
  it('k8s/base', async () => {
    expectCleanRoundTrip(await renderOverlay(path.join(K8S, 'base')));
  });

  it('k8s/base labels its Namespace as the lab\'s: `kubectl apply -k` leaves one the next lab run may delete', async () => {
    const ns = (await renderOverlay(path.join(K8S, 'base'))).filter((o) => o.kind === 'Namespace');
    expect(ns.map((o) => [o.metadata.name, o.metadata.labels?.[OWNER_LABEL]])).toEqual([['grpc-lab', OWNER_VALUE]]);
  });

  it('finds the components and scenario overlays it checks', () => {
    expect(components.length).toBeGreaterThan(0);
    expect(components).toContain('l7-proxy');
    expect(scenarios.map((s) => path.relative(K8S, s))).toContain('scenarios/3-constraint/l7-proxy');
    // A round's shared knobs render only through its variants.
    expect(scenarios.filter((s) => s.endsWith('knobs'))).toEqual([]);
  });

  it.each(components)('k8s/base + component %s', async (component) => {
    expectCleanRoundTrip(await renderOverlay(await overlayWith([component])));
  });

  it.each(scenarios.map((s) => path.relative(PROJECT_ROOT, s)))('%s', async (overlay) => {
    expectCleanRoundTrip(await renderOverlay(path.join(PROJECT_ROOT, overlay)));
  });
});

describe('the round trip catches what a typo would lose', () => {
  it('names a misspelt terminationGracePeriodSeconds in a rendered Deployment', async () => {
    const objects = await renderOverlay(path.join(K8S, 'base'));
    const b = structuredClone(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'service-b')!);
    const pod = (b.spec as any).template.spec;
    pod.terminationGracePeriodSecond = pod.terminationGracePeriodSeconds;
    delete pod.terminationGracePeriodSeconds;
    expect(typedModelProblems(b)).toEqual([
      'Deployment/service-b: spec.template.spec.terminationGracePeriodSecond is not a field of V1Deployment (or not of its type)',
    ]);
    expect(() => prepareObjects([b])).toThrow(/manifest error: Deployment\/service-b: spec\.template\.spec\.terminationGracePeriodSecond/);
  });

  it('names a misspelt field deep in a container, and an unknown kind', () => {
    const cm = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080, protocl: 'TCP' }] } };
    expect(typedModelProblems(cm)).toEqual(['Service/s: spec.ports[0].protocl is not a field of V1Service (or not of its type)']);
    expect(typedModelProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'Widget/w: client-node has no typed model V1Widget for example.com/v1',
    ]);
  });

  it('maps apiVersion and kind to the model name', () => {
    expect(modelName({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBe('V1Deployment');
    expect(modelName({ apiVersion: 'v1', kind: 'ConfigMap' })).toBe('V1ConfigMap');
    expect(modelName({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' })).toBe('V2HorizontalPodAutoscaler');
  });

  it('compares deeply: lost, changed and added fields, in arrays too', () => {
    expect(fieldDifferences({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2] } })).toEqual([]);
    expect(fieldDifferences({ a: 1, b: { c: [1, 2] } }, { a: '1', b: { c: [1] }, d: 0 })).toEqual(['a', 'b.c[1]', 'd']);
  });
});
