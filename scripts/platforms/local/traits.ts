// What the local platform is, for the specs and the runner (see model/traits.ts).
import { PLATFORM_EVENT_TYPES } from '../../model/events.js';
import type { PlatformTraits } from '../../model/traits.js';

export const LOCAL_TRAITS: PlatformTraits = {
  // It runs the kubelet, kube-proxy and DNS itself, so it sees every step of each.
  events: PLATFORM_EVENT_TYPES,
  endpointViews: ['endpoints', 'proxy', 'dns'],
  // The lab DNS answers from the current endpoints (after its propagation delay): no cache.
  dnsCacheSeconds: 0,
  // 10 B processes Ready in 2.3 s on 2 cores (the scale benchmark), rounded up.
  podStartSeconds: 3,
  timeouts: {
    // 20 pods start and pass readiness in under 10 s on 2 cores; 180 s is for a machine far busier.
    upMs: 180_000,
    rolloutMs: 120_000,
    // Every pod gets SIGTERM and, a second later, SIGKILL: far less than this.
    downMs: 10_000,
  },
};
