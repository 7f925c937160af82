// The gRPC service config and channel options A's channels are built with: data, not code paths.
import type { AConfig } from './config.js';

/** Fully qualified name of the service in proto/lab.proto (the retry policy applies to it). */
export const BACKEND_SERVICE = 'lab.v1.Backend';

// maxAttempts 3 = the call plus two retries: enough to step around one shedding or vanishing pod
// (the next attempt usually lands elsewhere or after the overload has passed), and it bounds what
// retries can do to an overloaded backend to 3x, which round 1's `retries` variant measures.
// There is deliberately no retryThrottling: the lab wants to show the amplification, not hide it.
export const RETRY_POLICY = {
  maxAttempts: 3,
  initialBackoff: '0.05s',
  maxBackoff: '0.5s',
  backoffMultiplier: 2,
  retryableStatusCodes: ['UNAVAILABLE'],
} as const;

export interface ServiceConfig {
  loadBalancingConfig: Array<Record<string, Record<string, never>>>;
  methodConfig?: Array<{ name: Array<{ service: string }>; retryPolicy: typeof RETRY_POLICY }>;
}

/** round_robin can only be chosen here: grpc-js ignores the older `loadBalancingPolicy` field. */
export function serviceConfig(cfg: Pick<AConfig, 'lbPolicy' | 'retries'>): ServiceConfig {
  return {
    loadBalancingConfig: [{ [cfg.lbPolicy]: {} }],
    ...(cfg.retries ? { methodConfig: [{ name: [{ service: BACKEND_SERVICE }], retryPolicy: RETRY_POLICY }] } : {}),
  };
}

export type ChannelOptions = Record<string, string | number>;

export function channelOptions(cfg: Pick<AConfig, 'lbPolicy' | 'retries' | 'dnsMinTimeBetweenResolutionsMs'>): ChannelOptions {
  return {
    'grpc.service_config': JSON.stringify(serviceConfig(cfg)),
    // Our service config is the whole truth: no TXT lookup may replace it (Kubernetes publishes
    // none, and the lab's DNS server must not have to answer one).
    'grpc.service_config_disable_resolution': 1,
    // Each channel gets its own subchannels, hence its own TCP connection: without this, channels
    // with equal target and options share one connection and CHANNELS=2 would change nothing.
    'grpc.use_local_subchannel_pool': 1,
    ...(cfg.dnsMinTimeBetweenResolutionsMs === undefined
      ? {}
      : { 'grpc.dns_min_time_between_resolutions_ms': cfg.dnsMinTimeBetweenResolutionsMs }),
  };
}
