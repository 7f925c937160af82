// Turns rendered objects into what the cluster platform applies: checked against the safety rules and
// the typed models, every namespaced object pinned to grpc-lab, the Namespace first and labelled as
// the lab's, and the lab image replaced when --image names another.
import { LAB_NAMESPACE, type K8sObject } from '../../model/k8s.js';
import { PlatformError } from '../platform.js';
import { assertObjectsInLabNamespace, LAB_IMAGE, OWNER_LABEL, OWNER_VALUE } from './safety.js';
import { typedModelProblems } from './typed-models.js';

interface Container {
  image?: string;
}
interface PodSpecLike {
  containers?: Container[];
  initContainers?: Container[];
}

/** The pod spec of a Deployment, Job (spec.template.spec) or Pod (spec). */
function podSpecOf(obj: K8sObject): PodSpecLike | undefined {
  const spec = obj.spec as { template?: { spec?: PodSpecLike } } & PodSpecLike | undefined;
  return obj.kind === 'Pod' ? spec : spec?.template?.spec;
}

/** Replaces grpc-k8s-lab:dev with `image` in every container; other images (haproxy) stay. */
export function rewriteLabImage(objects: readonly K8sObject[], image: string): K8sObject[] {
  return objects.map((original) => {
    const obj = structuredClone(original);
    const spec = podSpecOf(obj);
    for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
      if (c.image === LAB_IMAGE) c.image = image;
    }
    return obj;
  });
}

function labNamespace(): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: LAB_NAMESPACE } };
}

export interface PrepareOptions {
  /** --image REF. */
  image?: string;
}

export function prepareObjects(objects: readonly K8sObject[], opts: PrepareOptions = {}): K8sObject[] {
  assertObjectsInLabNamespace(objects);
  const problems = objects.flatMap(typedModelProblems);
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new PlatformError(`manifest error: ${problems[0]}${more}`);
  }
  const rewritten = opts.image ? rewriteLabImage(objects, opts.image) : objects.map((o) => structuredClone(o));
  const namespace = rewritten.find((o) => o.kind === 'Namespace') ?? labNamespace();
  namespace.metadata.labels = { ...namespace.metadata.labels, [OWNER_LABEL]: OWNER_VALUE };
  const rest = rewritten.filter((o) => o.kind !== 'Namespace');
  for (const obj of rest) obj.metadata.namespace = LAB_NAMESPACE;
  return [namespace, ...rest];
}

export function deploymentNames(objects: readonly K8sObject[]): string[] {
  return objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
}
