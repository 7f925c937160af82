// Service B's configuration, read once from the environment. Every variable is documented with its
// default in the README (section service-b); bad values become one line on stderr and exit 2.
import os from 'node:os';
import net from 'node:net';
import { ConfigError, num, oneOf, optionalNum, port, str } from '../shared/config.js';

/** What B does on SIGTERM (see shutdown.ts, and round 2, which compares the three). */
export const SHUTDOWN_MODES = ['none', 'stop', 'graceful'] as const;
export type ShutdownMode = (typeof SHUTDOWN_MODES)[number];

export interface BackendConfig {
  podName: string;
  /** The only address every listener binds to (never 0.0.0.0: each local pod owns one loopback address). */
  podIp: string;
  grpcPort: number;
  restPort: number;
  metricsPort: number;
  /** Mean simulated work per call, ms. */
  workMs: number;
  seed: number;
  /** Calls in flight at once across gRPC and REST before B sheds; 0 = unlimited. */
  capacity: number;
  shutdownMode: ShutdownMode;
  drainTimeoutMs: number;
  maxConnectionAgeMs?: number;
  maxConnectionAgeGraceMs?: number;
}

type Env = Record<string, string | undefined>;

const wholeMs = { min: 0, integer: true };

export function loadConfig(env: Env): BackendConfig {
  const podIp = str(env, 'POD_IP', '127.0.0.1');
  if (net.isIP(podIp) === 0) throw new ConfigError(`POD_IP=${podIp} is not an IP address`);
  return {
    podName: str(env, 'POD_NAME', os.hostname()),
    podIp,
    grpcPort: port(env, 'PORT', 50051),
    restPort: port(env, 'REST_PORT', 8080),
    metricsPort: port(env, 'METRICS_PORT', 9090),
    workMs: num(env, 'WORK_MS', 20, { min: 0 }),
    seed: num(env, 'SEED', 1, { integer: true }),
    capacity: num(env, 'CAPACITY', 0, { min: 0, integer: true }),
    shutdownMode: oneOf(env, 'SHUTDOWN_MODE', SHUTDOWN_MODES, 'none'),
    drainTimeoutMs: num(env, 'DRAIN_TIMEOUT_MS', 10_000, wholeMs),
    maxConnectionAgeMs: optionalNum(env, 'MAX_CONNECTION_AGE_MS', { min: 1, integer: true }),
    maxConnectionAgeGraceMs: optionalNum(env, 'MAX_CONNECTION_AGE_GRACE_MS', wholeMs),
  };
}
