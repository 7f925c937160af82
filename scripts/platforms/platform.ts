// The one interface both platforms implement (after kind's provider abstraction): everything
// above it (scenarios, measurement, verdicts, reports) is shared and never asks where pods run.

/** A rendered Kubernetes object, as parsed from `kubectl kustomize` output. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [field: string]: unknown;
}

export const LAB_NAMESPACE = 'grpc-lab';

export type EventType =
  | 'pod-created'
  | 'pod-ready'
  | 'pod-not-ready'
  | 'pod-deleted'
  | 'prestop-started'
  | 'sigterm-sent'
  | 'sigkill-sent'
  | 'pod-exited'
  | 'pod-restarted'
  | 'endpoint-added'
  | 'endpoint-removed'
  | 'scaled'
  | 'rollout-started'
  | 'rollout-completed'
  | 'step';

/** Where an endpoint change became visible: the EndpointSlice itself, kube-proxy's rules, or DNS. */
export type EndpointView = 'endpoints' | 'proxy' | 'dns';

export interface LabEvent {
  /** Unix ms from a monotonic clock (performance.timeOrigin + performance.now()). */
  t: number;
  type: EventType;
  pod?: string;
  deployment?: string;
  service?: string;
  view?: EndpointView;
  /** Free text for a person: "exit code 0", "signal SIGKILL", "replicas 10 -> 20", "restart count 1". */
  detail?: string;
}

export type PodPhase = 'Pending' | 'Running' | 'Terminating' | 'Succeeded' | 'Failed';

export interface PodInfo {
  name: string;
  /** Deployment that owns it (its `app` label picks the service). */
  deployment: string;
  /** The pod's `app` label. */
  app: string;
  ip: string;
  phase: PodPhase;
  ready: boolean;
  /** Unix ms. */
  createdAt: number;
  restarts: number;
}

export interface RunOptions {
  /** Seed for everything random in the platform (local: kube-proxy's backend choice). */
  seed?: number;
}

export interface Platform {
  readonly name: 'local' | 'kind';
  /** Applies the rendered objects and waits until every Deployment's rollout is complete. */
  up(objects: K8sObject[], timeoutMs?: number): Promise<void>;
  /** Like `kubectl rollout restart deployment/NAME`: returns once the rollout has started. */
  rolloutRestart(deployment: string): Promise<void>;
  /** Like `kubectl rollout status deployment/NAME`: resolves when the rollout is complete. */
  waitForRollout(deployment: string, timeoutMs?: number): Promise<void>;
  /** Like `kubectl scale deployment/NAME --replicas=N`: returns once the change is accepted. */
  scale(deployment: string, replicas: number): Promise<void>;
  pods(): Promise<PodInfo[]>;
  /** Subscribes to lifecycle events; returns the unsubscribe function. */
  onEvent(listener: (event: LabEvent) => void): () => void;
  /** Every event since up(), in order. */
  events(): LabEvent[];
  /** GET http://POD:PORT/PATH (local: the pod's loopback address; kind: the API server's pod proxy). */
  httpGet(pod: string, port: number, path: string): Promise<string>;
  /** Deletes everything the lab created; safe to call twice and after a failed up(). */
  down(): Promise<void>;
}

/** Raised when the platform cannot do what was asked (missing tool, taken port, cluster gone). */
export class PlatformError extends Error {}

/** Unix ms from a monotonic source: never goes backwards while the orchestrator runs. */
export function monotonicNow(): number {
  return performance.timeOrigin + performance.now();
}
