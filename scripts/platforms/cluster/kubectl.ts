// Every kubectl command the cluster platform issues, as data. Each names its context explicitly (the
// current context never matters) and, where it acts on objects, the lab's namespace.
import { LAB_NAMESPACE } from '../../model/k8s.js';
import { assertLabNamespace, type Target } from './safety.js';

/** The field manager the lab's server-side applies are recorded under. */
export const FIELD_MANAGER = 'grpc-k8s-lab';

function kubectl(target: Target, ...args: string[]): string[] {
  return ['kubectl', `--context=${target.context}`, ...args];
}

function inNamespace(target: Target, ...args: string[]): string[] {
  return kubectl(target, `--namespace=${target.namespace}`, ...args);
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}

/** Read-only: the merged kubeconfig, to resolve the target. */
export const configView = (): string[] => ['kubectl', 'config', 'view', '--output=json'];

export const getNamespace = (target: Target): string[] =>
  kubectl(target, 'get', 'namespace', target.namespace, '--ignore-not-found', '--output=json');

export function deleteNamespace(target: Target, timeoutMs: number): string[] {
  assertLabNamespace(target.namespace);
  return kubectl(target, 'delete', 'namespace', LAB_NAMESPACE, '--ignore-not-found', '--wait=true', `--timeout=${seconds(timeoutMs)}`);
}

/** Reads a List of objects on stdin. */
export const apply = (target: Target): string[] =>
  kubectl(target, 'apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--filename=-');

export const rolloutStatus = (target: Target, deployment: string, timeoutMs: number): string[] =>
  inNamespace(target, 'rollout', 'status', `deployment/${deployment}`, `--timeout=${seconds(timeoutMs)}`);

export const rolloutRestart = (target: Target, deployment: string): string[] =>
  inNamespace(target, 'rollout', 'restart', `deployment/${deployment}`);

export const scale = (target: Target, deployment: string, replicas: number): string[] =>
  inNamespace(target, 'scale', `deployment/${deployment}`, `--replicas=${replicas}`);

/** The pod's log, every container; `previous`: of the container that ran before the last restart. */
export const logs = (target: Target, pod: string, previous = false): string[] =>
  inNamespace(target, 'logs', pod, '--all-containers=true', '--timestamps=true', ...(previous ? ['--previous=true'] : []));

export const getEvents = (target: Target): string[] => inNamespace(target, 'get', 'events', '--output=yaml');

/** Everything the lab created, as the API server holds it, with the EndpointSlices `all` leaves out. */
export const getObjects = (target: Target): string[] => inNamespace(target, 'get', 'all,endpointslices,configmaps', '--output=yaml');
