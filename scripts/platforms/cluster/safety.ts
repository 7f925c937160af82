// What the lab may touch on a real cluster: one of its own contexts (grpc-lab-node, the lab's
// single-node Kubernetes, or kind-grpc-lab, its kind cluster), or one named with --context NAME
// --yes; namespace grpc-lab only, and only namespaced objects of the kinds it renders. Every
// refusal is one line, raised before any command that changes the cluster.
import { LAB_NAMESPACE, type K8sObject } from '../../model/k8s.js';
import { PlatformError } from '../platform.js';

/** The kind cluster `make cluster` creates (mk/kind.mk), and the context kind names after it. */
export const KIND_CLUSTER = 'grpc-lab';
export const KIND_CONTEXT = `kind-${KIND_CLUSTER}`;
/** The context of the lab's own single-node Kubernetes. */
export const NODE_CONTEXT = 'grpc-lab-node';
/** The lab's own clusters, safe without --yes, in the order `auto` and `cluster` try them. */
export const LAB_CONTEXTS: readonly string[] = [NODE_CONTEXT, KIND_CONTEXT];
export const LAB_IMAGE = 'grpc-k8s-lab:dev';

/** "grpc-lab-node or kind-grpc-lab", for messages. */
export const LAB_CONTEXTS_TEXT = LAB_CONTEXTS.join(' or ');
/** How to get a lab cluster, for messages. */
export const MAKE_CLUSTER_HINT = `make cluster creates ${KIND_CONTEXT}`;

/** Who runs a cluster, from its context's name. */
export function providerOf(context: string): 'node' | 'kind' | 'other' {
  return context === NODE_CONTEXT ? 'node' : context === KIND_CONTEXT ? 'kind' : 'other';
}

/** up() labels the namespace with this; up() and down() delete only a namespace that carries it. */
export const OWNER_LABEL = 'app.kubernetes.io/managed-by';
export const OWNER_VALUE = 'grpc-k8s-lab';

/** The only kinds the lab applies: all namespaced, so they cannot reach outside grpc-lab. */
export const NAMESPACED_KINDS: ReadonlySet<string> = new Set([
  'ConfigMap',
  'Deployment',
  'Job',
  'NetworkPolicy',
  'Pod',
  'PodDisruptionBudget',
  'Role',
  'RoleBinding',
  'Secret',
  'Service',
  'ServiceAccount',
]);

/** The part of the kubeconfig the safety rules read (from `kubectl config view -o json`). */
export interface KubeconfigView {
  currentContext: string;
  /** Context name -> its cluster's server URL. */
  servers: Map<string, string>;
}

export function parseKubeconfigView(json: string): KubeconfigView {
  let doc: {
    'current-context'?: string;
    contexts?: Array<{ name: string; context?: { cluster?: string } }> | null;
    clusters?: Array<{ name: string; cluster?: { server?: string } }> | null;
  };
  try {
    doc = JSON.parse(json) as typeof doc;
  } catch {
    throw new PlatformError('kubectl config view did not print JSON');
  }
  const clusterServer = new Map((doc.clusters ?? []).map((c) => [c.name, c.cluster?.server ?? 'unknown server']));
  const servers = new Map(
    (doc.contexts ?? []).map((c) => [c.name, clusterServer.get(c.context?.cluster ?? '') ?? 'unknown server'] as const),
  );
  return { currentContext: doc['current-context'] ?? '', servers };
}

export interface TargetRequest {
  /** --context NAME; the first of the lab's own contexts in the kubeconfig when absent. */
  context?: string;
  /** --yes: the user accepts that the lab deletes and recreates namespace grpc-lab there. */
  yes?: boolean;
  /** --image REF: replaces grpc-k8s-lab:dev, which only the lab's own clusters have. */
  image?: string;
}

export interface Target {
  context: string;
  server: string;
  namespace: typeof LAB_NAMESPACE;
}

/**
 * Another cluster than the lab's own needs --yes and --image: known from the flags alone, so the
 * CLI refuses it as bad input before contacting anything (the registry's refuse()).
 */
export function requestRefusal(req: TargetRequest): string | undefined {
  const named = req.context;
  if (named === undefined || LAB_CONTEXTS.includes(named)) return undefined;
  if (!req.yes) return `--context ${named} needs --yes: the lab deletes and recreates namespace ${LAB_NAMESPACE} on that cluster`;
  if (!req.image) return `--context ${named} needs --image REF: only the lab's own clusters have ${LAB_IMAGE}; push it where ${named} can pull it`;
  return undefined;
}

export function resolveTarget(req: TargetRequest, view: KubeconfigView): Target {
  const named = req.context;
  const refusal = requestRefusal(req);
  if (refusal !== undefined) throw new PlatformError(refusal);
  const context = named ?? LAB_CONTEXTS.find((c) => view.servers.has(c));
  const server = context === undefined ? undefined : view.servers.get(context);
  if (context === undefined || server === undefined) {
    if (named === undefined && view.currentContext !== '' && !LAB_CONTEXTS.includes(view.currentContext)) {
      throw new PlatformError(
        `the current context is ${view.currentContext} and there is no ${LAB_CONTEXTS_TEXT}: the lab acts only on its own clusters (${MAKE_CLUSTER_HINT}) or on a context named with --context NAME --yes`,
      );
    }
    if (named === undefined) throw new PlatformError(`no context ${LAB_CONTEXTS_TEXT} in kubeconfig (${MAKE_CLUSTER_HINT})`);
    throw new PlatformError(`no context ${named} in kubeconfig${LAB_CONTEXTS.includes(named) ? ` (${MAKE_CLUSTER_HINT})` : ''}`);
  }
  return { context, server, namespace: LAB_NAMESPACE };
}

/** Printed before anything is applied, so a person sees exactly where the lab is about to act. */
export function confirmationLine(target: Target): string {
  return `cluster: acting on context ${target.context}, cluster ${target.server}, namespace ${target.namespace}`;
}

function objectName(obj: K8sObject): string {
  return `${obj.kind}/${obj.metadata?.name ?? '?'}`;
}

/** Refuses any object that could land outside the lab's namespace. */
export function assertObjectsInLabNamespace(objects: readonly K8sObject[]): void {
  for (const obj of objects) {
    if (obj.kind === 'Namespace') {
      if (obj.metadata?.name !== LAB_NAMESPACE) {
        throw new PlatformError(`refusing ${objectName(obj)}: the lab only uses namespace ${LAB_NAMESPACE}`);
      }
      continue;
    }
    if (!NAMESPACED_KINDS.has(obj.kind)) {
      throw new PlatformError(`refusing ${objectName(obj)}: the lab applies only ${[...NAMESPACED_KINDS].join(', ')} and its Namespace`);
    }
    const ns = obj.metadata?.namespace;
    if (ns !== undefined && ns !== LAB_NAMESPACE) {
      throw new PlatformError(`refusing ${objectName(obj)}: it targets namespace ${ns}, and the lab acts only in ${LAB_NAMESPACE}`);
    }
  }
}

/** The one namespace the lab ever deletes. */
export function assertLabNamespace(name: string): void {
  if (name !== LAB_NAMESPACE) throw new PlatformError(`refusing to delete namespace ${name}: the lab only ever deletes ${LAB_NAMESPACE}`);
}

/**
 * Reads `kubectl get namespace grpc-lab -o json --ignore-not-found`: 'absent' or 'ours'; a namespace
 * of that name the lab did not create is refused rather than deleted.
 */
export function namespaceOwnership(json: string, target: Target): 'absent' | 'ours' {
  if (json.trim() === '') return 'absent';
  let ns: { metadata?: { labels?: Record<string, string> } };
  try {
    ns = JSON.parse(json) as typeof ns;
  } catch {
    throw new PlatformError(`kubectl get namespace ${target.namespace} did not print JSON`);
  }
  if (ns.metadata?.labels?.[OWNER_LABEL] === OWNER_VALUE) return 'ours';
  throw new PlatformError(
    `namespace ${target.namespace} on ${target.context} was not created by the lab (no label ${OWNER_LABEL}=${OWNER_VALUE}): refusing to delete it`,
  );
}
