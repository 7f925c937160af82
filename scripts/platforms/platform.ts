// The one interface every platform implements (after kind's provider abstraction): everything
// above it (scenarios, measurement, verdicts, reports) is shared and never asks where pods run.
// What a platform is (its traits) travels with it; how to find and build one is in registry.ts.
import type { LabEvent } from '../model/events.js';
import type { K8sObject, PodInfo } from '../model/k8s.js';
import type { ClusterInfo, PlatformTraits } from '../model/traits.js';

export interface Platform {
  /** The name it is registered under (local, cluster, ...). */
  readonly name: string;
  /** What it is: events it can observe, its DNS cache, its timeouts. */
  readonly info: PlatformTraits;
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
  /** GET http://POD:PORT/PATH (local: the pod's loopback address; a cluster: the API server's pod proxy). */
  httpGet(pod: string, port: number, path: string): Promise<string>;
  /** Where the objects run: provider, API server version, context. Meaningful after up(). */
  clusterInfo(): Promise<ClusterInfo>;
  /**
   * Writes what a person needs to see why a run failed into `dir`: every pod's log, the events,
   * the objects. Called before down(), also after a failed up(); returns the files written.
   */
  collectLogs(dir: string): Promise<string[]>;
  /** Deletes everything the lab created; safe to call twice and after a failed up(). */
  down(): Promise<void>;
}

/** Raised when the platform cannot do what was asked (missing tool, taken port, cluster gone). */
export class PlatformError extends Error {}
