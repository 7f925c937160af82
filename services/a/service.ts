// Wires service A together: books, stats server, caller, schedule, timer loop, shutdown. Imported
// by main.ts only after the environment grpc-js reads at import time is in place.
import { logEvent } from '../shared/log.js';
import { Accounting } from './accounting.js';
import type { Caller, Complete } from './caller.js';
import type { AConfig } from './config.js';
import { Generator } from './generator.js';
import { grpcCaller } from './grpc-caller.js';
import { createMetrics } from './metrics.js';
import { restCaller } from './rest-caller.js';
import { PoissonSchedule, scheduleSeed } from './schedule.js';
import { exitOnTermination } from './shutdown.js';
import { startStatsServer } from './stats-server.js';

const CALLERS: Record<AConfig['protocol'], (cfg: AConfig, complete: Complete) => Caller> = {
  grpc: grpcCaller,
  rest: restCaller,
};

export async function runServiceA(cfg: AConfig): Promise<void> {
  const log = (event: string, fields?: Record<string, unknown>): void => logEvent('a', cfg.podName, event, fields);
  const accounting = new Accounting(cfg.podName, (detail) => log('accounting-broken', detail));
  const { address } = await startStatsServer(cfg.podIp, cfg.statsPort, {
    stats: (after) => accounting.snapshot(after),
    metrics: createMetrics(accounting),
    healthy: () => !accounting.stopping,
  });
  log('listening', { address: address.address, port: address.port });

  const caller = CALLERS[cfg.protocol](cfg, (code, errorClass, pod, latencyUs) => accounting.complete(code, errorClass, pod, latencyUs));
  const { maxInFlight } = cfg;
  const dispatch = (lagMs: number): void => {
    if (accounting.inFlight >= maxInFlight) return accounting.skip(lagMs);
    accounting.start(lagMs);
    caller.call();
  };
  const seed = scheduleSeed(cfg.podName, cfg.seed);
  const generator = new Generator(new PoissonSchedule(cfg.rate, seed), dispatch, () => accounting.roll());
  exitOnTermination({ pod: cfg.podName, deadlineMs: cfg.deadlineMs, statsLingerMs: cfg.statsLingerMs, accounting, generator, caller });
  // The schedule's origin, read before its first tick: that tick can take tens of milliseconds
  // (the channel's first call), and pollers measure the schedule's window from this time.
  const startedAtMs = generator.start();
  log('started', {
    target: caller.target,
    protocol: cfg.protocol,
    lbPolicy: cfg.lbPolicy,
    channels: cfg.channels,
    retries: cfg.retries,
    rate: cfg.rate,
    seed,
    deadlineMs: cfg.deadlineMs,
    maxInFlight,
    dnsServer: cfg.dnsServer?.address,
    startedAtMs,
  });
}
