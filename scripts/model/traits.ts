// What a platform IS, as the layers above it need to know it: the events it can observe, how
// stale its cluster DNS may be, how long its operations may take, and where a run landed. Specs
// and the runner read these traits, never a platform's name, so a new platform brings its own.
import type { EndpointView, EventType } from './events.js';

/** The one table of how long a platform's operations may take. */
export interface PlatformTimeouts {
  /** up(): apply every object and wait for every rollout (the runner's client scale-up as well). */
  upMs: number;
  /** waitForRollout(): one Deployment's rollout, during a timeline step. */
  rolloutMs: number;
  /** down(): until everything the lab created is gone (a cluster deletes its namespace). */
  downMs: number;
}

export interface PlatformTraits {
  /** The event types its timeline can carry (a cluster's API server never announces a SIGKILL). */
  events: readonly EventType[];
  /** Where endpoint changes can be seen: the EndpointSlice always; kube-proxy's and DNS's own
   *  moments only where the lab runs kube-proxy and DNS itself. */
  endpointViews: readonly EndpointView[];
  /** Seconds cluster DNS may keep answering from its cache after an endpoint change. */
  dnsCacheSeconds: number;
  /** Seconds from a scale step until ten new pods are Ready and in DNS (the container start the
   *  platform pays: a process on loopback, or a container made by containerd and runc). */
  podStartSeconds: number;
  timeouts: PlatformTimeouts;
}

/** A number of a spec: fixed, or computed from what the platform is, with the reason. */
export type TraitValue = number | { why: string; of: (traits: PlatformTraits) => number };

export function valueFor(value: TraitValue, traits: PlatformTraits): number {
  return typeof value === 'number' ? value : value.of(traits);
}

/** Who runs the cluster: the embedded platform, the lab's own node, the lab's kind cluster, or another one. */
export type ClusterProvider = 'local' | 'node' | 'kind' | 'other';

/** Where a run ran, as every report records it. */
export interface ClusterInfo {
  provider: ClusterProvider;
  /** The API server's version (its /version gitVersion); null when there is none or it did not say. */
  serverVersion: string | null;
  /** The kubeconfig context; null for the embedded platform. */
  context: string | null;
}
