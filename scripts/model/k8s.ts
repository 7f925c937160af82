// Kubernetes as every layer sees it: rendered objects, the lab's namespace, and the pods a platform
// lists. Plain data, so the measurement and the reports never depend on how a platform runs pods.

/** A rendered Kubernetes object, as parsed from `kubectl kustomize` output. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [field: string]: unknown;
}

export const LAB_NAMESPACE = 'grpc-lab';

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
