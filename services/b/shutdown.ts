// What B does on SIGTERM, one behaviour per SHUTDOWN_MODE (round 2 compares them):
//   none      no handler: Node's default action kills the process, in-flight calls see
//             UNAVAILABLE "Connection dropped"
//   stop      listener closed, forceShutdown(): every connection destroyed, in-flight calls end
//             CANCELLED
//   graceful  health NOT_SERVING, listener closed at once and tryShutdown() (GOAWAY, in-flight calls
//             finish), forceShutdown() if DRAIN_TIMEOUT_MS runs out (what cuts a Hold stream)
// B owns its gRPC listener (grpc-server.ts), so closing it is B's step, next to grpc-js' own.
import { once } from 'node:events';
import type http from 'node:http';
import type { BackendConfig, ShutdownMode } from './config.js';
import { openConnections } from './connections.js';
import { closeGrpcListener, setHealth, type GrpcBackend } from './grpc-server.js';
import { closeHttp } from './listen.js';
import type { RestTwin } from './rest-server.js';
import type { Admission } from './shedding.js';
import type { CallStats } from './stats.js';

/** Lets the last frames (GOAWAY, RST_STREAM, final responses) reach the wire before the process
 *  ends on its own; a handle that lingers cannot keep it alive longer than this. */
const EXIT_GRACE_MS = 2000;

export interface RunningBackend {
  cfg: BackendConfig;
  grpc: GrpcBackend;
  rest: RestTwin;
  metrics: http.Server;
  stats: CallStats;
  admission: Admission;
  ports: { grpcPort: number; restPort: number; metricsPort: number };
  log: (event: string, fields?: Record<string, unknown>) => void;
}

/** Stops serving and resolves with whether the drain deadline had to cut connections. */
type StopServing = (b: RunningBackend) => Promise<{ forced: boolean }>;

const ON_SIGTERM: Record<ShutdownMode, StopServing | null> = {
  none: null,
  stop: stopNow,
  graceful: drainThenStop,
};

export function installShutdown(b: RunningBackend): void {
  const stopServing = ON_SIGTERM[b.cfg.shutdownMode];
  if (!stopServing) return;
  let started = false;
  process.on('SIGTERM', () => {
    // The kubelet sends one SIGTERM; a repeated one must not start a second shutdown.
    if (started) return;
    started = true;
    shutDown(b, stopServing).catch((err: Error) => {
      b.log('exit', { code: 1, error: err.message });
      process.exit(1);
    });
  });
}

async function shutDown(b: RunningBackend, stopServing: StopServing): Promise<void> {
  b.log('sigterm', { mode: b.cfg.shutdownMode, ...(await load(b)) });
  const { forced } = await stopServing(b);
  // Last, so that the collector can read /stats while the pod drains.
  b.metrics.closeAllConnections();
  await closeHttp(b.metrics);
  b.log('exit', { code: 0, mode: b.cfg.shutdownMode, forced, ...(await load(b)) });
  process.exitCode = 0;
  setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
}

async function stopNow(b: RunningBackend): Promise<{ forced: boolean }> {
  closeGrpcListener(b.grpc);
  b.grpc.server.forceShutdown();
  b.rest.server.closeAllConnections();
  b.rest.server.close();
  b.log('listener-closed', { grpcPort: b.ports.grpcPort, restPort: b.ports.restPort });
  return { forced: true };
}

async function drainThenStop(b: RunningBackend): Promise<{ forced: boolean }> {
  setHealth(b.grpc.health, 'NOT_SERVING');
  b.stats.markDraining();
  b.log('draining', { drainTimeoutMs: b.cfg.drainTimeoutMs, ...(await load(b)) });
  closeGrpcListener(b.grpc);
  const grpcDrained = new Promise<void>((resolve) => b.grpc.server.tryShutdown(() => resolve()));
  const restDrained = once(b.rest.server, 'close');
  b.rest.stopAccepting();
  // Both listeners are closed by now (net.Server close() closes one synchronously): a new connection
  // is refused from this line on, while open ones finish their calls.
  b.log('listener-closed', { grpcPort: b.ports.grpcPort, restPort: b.ports.restPort });
  const forced = await timedOut(Promise.all([grpcDrained, restDrained]), b.cfg.drainTimeoutMs);
  if (forced) {
    b.grpc.server.forceShutdown();
    b.rest.server.closeAllConnections();
  }
  return { forced };
}

/** Resolves true if `ms` ran out before `work` settled. */
function timedOut(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), ms)));
  return Promise.race([work.then(() => false), deadline]).finally(() => clearTimeout(timer));
}

async function load(b: RunningBackend): Promise<Record<string, number>> {
  return {
    inFlight: b.admission.inFlight,
    holdStreams: b.stats.openHoldStreams,
    openConnections: await openConnections(b.grpc.server),
  };
}
