// The one interface both platforms implement (after kind's provider abstraction): everything
// above it (scenarios, measurement, verdicts, reports) is shared and never asks where pods run.
import type { LabEvent } from '../model/events.js';
import type { K8sObject, PodInfo } from '../model/k8s.js';

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

