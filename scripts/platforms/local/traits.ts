// What the local platform is, for the specs and the runner (see model/traits.ts).
import type { EventType } from '../../model/events.js';
import type { PlatformTraits } from '../../model/traits.js';

const EVERY_POD_AND_ENDPOINT_EVENT: readonly EventType[] = [
  'pod-created',
  'pod-ready',
  'pod-not-ready',
  'pod-deleted',
  'prestop-started',
  'sigterm-sent',
  'sigkill-sent',
  'pod-exited',
  'pod-restarted',
  'endpoint-added',
  'endpoint-removed',
  'scaled',
  'rollout-started',
  'rollout-completed',
];

export const LOCAL_TRAITS: PlatformTraits = {
  // It runs the kubelet, kube-proxy and DNS itself, so it sees every step of each.
  events: EVERY_POD_AND_ENDPOINT_EVENT,
  endpointViews: ['endpoints', 'proxy', 'dns'],
  // The lab DNS answers from the current endpoints (after its propagation delay): no cache.
  dnsCacheSeconds: 0,
  timeouts: {
    // 20 pods start and pass readiness in under 10 s on 2 cores; 180 s is for a machine far busier.
    upMs: 180_000,
    rolloutMs: 120_000,
    // Every pod gets SIGTERM and, a second later, SIGKILL: far less than this.
    downMs: 10_000,
  },
};
