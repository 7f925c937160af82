// Service B, the backend: `node dist/services/b/main.js` (or `npm run service-b`).
// Serves lab.v1.Backend over gRPC and its REST twin, sheds load beyond CAPACITY, reports itself on
// /metrics and /stats, and shuts down the way SHUTDOWN_MODE says. See README, section service-b.
import * as grpc from '@grpc/grpc-js';
import { runMain } from '../shared/config.js';
import { logEvent } from '../shared/log.js';
import { loadConfig } from './config.js';
import { openConnections } from './connections.js';
import { createGrpcServer, listenGrpc, setHealth } from './grpc-server.js';
import { listenTcp } from './listen.js';
import { createMetricsServer } from './metrics-server.js';
import { createRestServer } from './rest-server.js';
import { WorkService } from './serve-work.js';
import { Admission } from './shedding.js';
import { installShutdown } from './shutdown.js';
import { CallStats } from './stats.js';
import { WireBytes } from './wire-bytes.js';
import { WorkSimulator } from './work.js';

await runMain('service-b', async () => {
  const cfg = loadConfig(process.env);
  const log = (event: string, fields: Record<string, unknown> = {}) => logEvent('b', cfg.podName, event, fields);
  // grpc-js writes its own errors to stderr; B's stderr is kept for the one line of a failed start.
  grpc.setLogger({ error: (...args: unknown[]) => log('grpc-log', { message: args.join(' ') }) });

  const admission = new Admission(cfg.capacity);
  const stats = new CallStats(cfg.podName, admission, () => openConnections(grpcBackend.server));
  const work = new WorkService(cfg, new WorkSimulator(cfg.workMs, cfg.seed, cfg.podName), admission, stats);
  const grpcBackend = createGrpcServer(cfg, work, stats);
  const rest = createRestServer(work, cfg.podName);
  const metrics = createMetricsServer(stats);
  const wire = new WireBytes(stats.registry);
  wire.countConnectionsOf(grpcBackend.listener, 'grpc');
  wire.countConnectionsOf(rest.server, 'rest');

  const ports = {
    grpcPort: await listenGrpc(grpcBackend, cfg.podIp, cfg.grpcPort),
    restPort: await listenTcp(rest.server, cfg.podIp, cfg.restPort, 'REST_PORT'),
    metricsPort: await listenTcp(metrics, cfg.podIp, cfg.metricsPort, 'METRICS_PORT'),
  };
  log('listening', { ip: cfg.podIp, ...ports, mode: cfg.shutdownMode, capacity: cfg.capacity, workMs: cfg.workMs,
    maxConnectionAgeMs: cfg.maxConnectionAgeMs, maxConnectionAgeGraceMs: cfg.maxConnectionAgeGraceMs });

  installShutdown({ cfg, grpc: grpcBackend, rest, metrics, stats, admission, ports, log });
  setHealth(grpcBackend.health, 'SERVING');
  log('ready', { health: 'SERVING' });
});
