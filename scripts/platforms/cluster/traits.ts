// What a real cluster is, for the specs and the runner (see model/traits.ts).
import type { EventType } from '../../model/events.js';
import type { PlatformTraits } from '../../model/traits.js';

/** What the API server shows: the kubelet keeps SIGKILL to itself (an exit code 137 tells of it). */
const API_SERVER_EVENTS: readonly EventType[] = [
  'pod-created',
  'pod-ready',
  'pod-not-ready',
  'pod-deleted',
  'prestop-started',
  'sigterm-sent',
  'pod-exited',
  'pod-restarted',
  'endpoint-added',
  'endpoint-removed',
  'scaled',
  'rollout-started',
  'rollout-completed',
];

export const CLUSTER_TRAITS: PlatformTraits = {
  events: API_SERVER_EVENTS,
  // kube-proxy's and CoreDNS's own moments happen inside the nodes, out of the lab's sight.
  endpointViews: ['endpoints'],
  // kubeadm's (and kind's) CoreDNS runs with `cache 30`.
  dnsCacheSeconds: 30,
  timeouts: {
    // Scheduling, image start and readiness of up to 25 pods on a small cluster.
    upMs: 180_000,
    rolloutMs: 180_000,
    // Deleting the namespace waits for every pod's grace period.
    downMs: 120_000,
  },
};
