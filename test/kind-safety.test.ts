// The safety rules of the cluster platform, on their own: which contexts the lab may act on, what it
// prints before acting, which objects it refuses, and which namespace it may delete.
import { describe, expect, it } from 'vitest';
import { PlatformError } from '../scripts/platforms/platform.js';
import { type K8sObject } from '../scripts/model/k8s.js';
import * as kubectl from '../scripts/platforms/cluster/kubectl.js';
import {
  assertLabNamespace,
  assertObjectsInLabNamespace,
  confirmationLine,
  namespaceOwnership,
  parseKubeconfigView,
  providerOf,
  resolveTarget,
  type Target,
} from '../scripts/platforms/cluster/safety.js';
import { kubeconfigJson, OUR_NAMESPACE_JSON } from './helpers/kind-fakes.js';

const KIND_SERVER = 'https://127.0.0.1:41234';
const withKind = parseKubeconfigView(kubeconfigJson('prod', { 'kind-grpc-lab': KIND_SERVER, prod: 'https://prod.example.com:6443' }));
const withoutKind = parseKubeconfigView(kubeconfigJson('prod', { prod: 'https://prod.example.com:6443' }));

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a refusal');
}

describe('resolveTarget', () => {
  it("uses kind-grpc-lab by name, whatever the current context is (every command names it)", () => {
    expect(resolveTarget({}, withKind)).toEqual({ context: 'kind-grpc-lab', server: KIND_SERVER, namespace: 'grpc-lab' });
  });

  it('refuses when the current context is something else and none of the lab\'s own contexts exists', () => {
    expect(refusal(() => resolveTarget({}, withoutKind))).toBe(
      'the current context is prod and there is no grpc-lab-node or kind-grpc-lab: the lab acts only on its own clusters (make cluster creates kind-grpc-lab) or on a context named with --context NAME --yes',
    );
    const empty = parseKubeconfigView(JSON.stringify({ clusters: null, contexts: null, 'current-context': '' }));
    expect(refusal(() => resolveTarget({}, empty))).toBe('no context grpc-lab-node or kind-grpc-lab in kubeconfig (make cluster creates kind-grpc-lab)');
  });

  it('takes the lab\'s own node before its kind cluster, and needs no --yes for either', () => {
    const both = parseKubeconfigView(kubeconfigJson('prod', { 'kind-grpc-lab': KIND_SERVER, 'grpc-lab-node': 'https://10.0.0.2:6443' }));
    expect(resolveTarget({}, both)).toEqual({ context: 'grpc-lab-node', server: 'https://10.0.0.2:6443', namespace: 'grpc-lab' });
    expect(resolveTarget({ context: 'grpc-lab-node' }, both).context).toBe('grpc-lab-node');
    expect(resolveTarget({ context: 'kind-grpc-lab' }, both).context).toBe('kind-grpc-lab');
  });

  it('names who runs the cluster from its context', () => {
    expect([providerOf('grpc-lab-node'), providerOf('kind-grpc-lab'), providerOf('prod')]).toEqual(['node', 'kind', 'other']);
  });

  it('refuses --context without --yes, and without --image', () => {
    expect(refusal(() => resolveTarget({ context: 'prod' }, withKind))).toBe(
      '--context prod needs --yes: the lab deletes and recreates namespace grpc-lab on that cluster',
    );
    expect(refusal(() => resolveTarget({ context: 'prod', yes: true }, withKind))).toMatch(/^--context prod needs --image REF/);
  });

  it('accepts another context named with --yes and --image, and refuses one that does not exist', () => {
    expect(resolveTarget({ context: 'prod', yes: true, image: 'registry.example.com/lab:1' }, withKind)).toEqual({
      context: 'prod',
      server: 'https://prod.example.com:6443',
      namespace: 'grpc-lab',
    });
    expect(refusal(() => resolveTarget({ context: 'stage', yes: true, image: 'r/x:1' }, withKind))).toBe('no context stage in kubeconfig');
  });

  it('needs no --yes to name the lab\'s own context', () => {
    expect(resolveTarget({ context: 'kind-grpc-lab' }, withKind).context).toBe('kind-grpc-lab');
  });

  it('refuses kubeconfig output that is not JSON', () => {
    expect(refusal(() => parseKubeconfigView('error: no config'))).toBe('kubectl config view did not print JSON');
  });
});

describe('confirmationLine', () => {
  it('names context, cluster server and namespace on one line', () => {
    expect(confirmationLine(resolveTarget({}, withKind))).toBe(
      'cluster: acting on context kind-grpc-lab, cluster https://127.0.0.1:41234, namespace grpc-lab',
    );
  });
});

describe('objects', () => {
  const deployment = (namespace?: string): K8sObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'service-b', ...(namespace ? { namespace } : {}) },
  });

  it('accepts namespaced kinds in grpc-lab or with no namespace, and the grpc-lab Namespace', () => {
    expect(() =>
      assertObjectsInLabNamespace([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'grpc-lab' } },
        deployment('grpc-lab'),
        deployment(),
      ]),
    ).not.toThrow();
  });

  it('refuses objects in another namespace, another Namespace, and cluster-scoped kinds', () => {
    expect(refusal(() => assertObjectsInLabNamespace([deployment('kube-system')]))).toBe(
      'refusing Deployment/service-b: it targets namespace kube-system, and the lab acts only in grpc-lab',
    );
    expect(refusal(() => assertObjectsInLabNamespace([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }]))).toBe(
      'refusing Namespace/default: the lab only uses namespace grpc-lab',
    );
    expect(
      refusal(() => assertObjectsInLabNamespace([{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x' } }])),
    ).toMatch(/^refusing ClusterRole\/x: the lab applies only ConfigMap, Deployment/);
  });
});

describe('deleting', () => {
  const target: Target = { context: 'kind-grpc-lab', server: KIND_SERVER, namespace: 'grpc-lab' };

  it('only ever deletes namespace grpc-lab', () => {
    expect(() => assertLabNamespace('grpc-lab')).not.toThrow();
    expect(refusal(() => assertLabNamespace('default'))).toBe('refusing to delete namespace default: the lab only ever deletes grpc-lab');
    const tampered = { ...target, namespace: 'default' } as unknown as Target;
    expect(() => kubectl.deleteNamespace(tampered, 60_000)).toThrow(PlatformError);
    expect(kubectl.deleteNamespace(target, 60_000)).toEqual([
      'kubectl', '--context=kind-grpc-lab', 'delete', 'namespace', 'grpc-lab', '--ignore-not-found', '--wait=true', '--timeout=60s',
    ]);
  });

  it('deletes a grpc-lab namespace only when the lab created it', () => {
    expect(namespaceOwnership('', target)).toBe('absent');
    expect(namespaceOwnership(OUR_NAMESPACE_JSON, target)).toBe('ours');
    const foreign = JSON.stringify({ kind: 'Namespace', metadata: { name: 'grpc-lab', labels: { team: 'payments' } } });
    expect(refusal(() => namespaceOwnership('Error from server (Forbidden)', target))).toBe('kubectl get namespace grpc-lab did not print JSON');
    expect(refusal(() => namespaceOwnership(foreign, target))).toBe(
      'namespace grpc-lab on kind-grpc-lab was not created by the lab (no label app.kubernetes.io/managed-by=grpc-k8s-lab): refusing to delete it',
    );
  });
});
