// What a real cluster is, for the specs and the runner (see model/traits.ts).
import { PLATFORM_EVENT_TYPES } from '../../model/events.js';
import type { PlatformTraits } from '../../model/traits.js';

export const CLUSTER_TRAITS: PlatformTraits = {
  // What the API server shows: the kubelet keeps SIGKILL to itself (an exit code 137 tells of it).
  events: PLATFORM_EVENT_TYPES.filter((t) => t !== 'sigkill-sent'),
  // kube-proxy's and CoreDNS's own moments happen inside the nodes, out of the lab's sight.
  endpointViews: ['endpoints'],
  // Until up() reads the cluster's Corefile: kubeadm's `cache 30` of Kubernetes <= 1.31, the longest
  // a lab cluster may keep a Service name (1.32+ does not cache the cluster domain: 0).
  dnsCacheSeconds: 30,
  timeouts: {
    // Scheduling, image start and readiness of up to 25 pods on a small cluster.
    upMs: 180_000,
    rolloutMs: 180_000,
    // Deleting the namespace waits for every pod's grace period.
    downMs: 120_000,
  },
};
