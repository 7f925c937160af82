// B's gRPC server: lab.v1.Backend (Work, Hold), grpc.health.v1 for readiness probes, and server
// reflection so that grpcurl can list and call it without the proto file.
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation, protoPath as healthProtoPath, type ServingStatus } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import { LOADER_OPTIONS, loadLabProto, type HoldRequest, type HoldTick, type WorkReply, type WorkRequest } from '../shared/proto.js';
import type { BackendConfig } from './config.js';
import { listenTcp } from './listen.js';
import { ANSWERS, type WorkService } from './serve-work.js';
import type { CallStats } from './stats.js';

export const BACKEND_SERVICE = 'lab.v1.Backend';
/** Health is reported for the whole server ("", what Kubernetes' grpc probe asks) and for Backend. */
const HEALTH_SERVICES = ['', BACKEND_SERVICE];
const DEFAULT_HOLD_INTERVAL_MS = 1000;

export interface GrpcBackend {
  server: grpc.Server;
  health: HealthImplementation;
  /** B's own TCP listener on PORT: every connection it accepts is handed to `server` (see below). */
  listener: net.Server;
}

export function createGrpcServer(cfg: BackendConfig, work: WorkService, stats: CallStats): GrpcBackend {
  // Channelz stays on (grpc-js' default): forceShutdown() only destroys sessions channelz tracks,
  // and connections.ts counts open connections through it.
  const server = new grpc.Server(connectionAgeOptions(cfg));
  const lab = loadLabProto();
  server.addService(lab.BackendService, {
    Work: workHandler(work),
    Hold: holdHandler(cfg.podName, stats),
  });
  const health = new HealthImplementation(Object.fromEntries(HEALTH_SERVICES.map((s) => [s, 'NOT_SERVING'])));
  health.addToServer(server);
  const healthDefinition = protoLoader.loadSync(healthProtoPath, LOADER_OPTIONS);
  new ReflectionService({ ...lab.packageDefinition, ...healthDefinition }).addToServer(server);
  return { server, health, listener: ownListener(server) };
}

/**
 * grpc-js hides the sockets of the ports it binds, and round 5 needs the bytes each one carries, so
 * B accepts the TCP connections itself and injects each one into grpc-js (createConnectionInjector).
 * grpc-js still runs everything above TCP for injected connections exactly as for its own: the
 * HTTP/2 session, channelz tracking (so forceShutdown destroys them and connections.ts counts them),
 * max connection age, and closing them on tryShutdown. Only the listener is B's: shutdown.ts closes
 * it alongside tryShutdown()/forceShutdown(), which close only grpc-js' side.
 */
function ownListener(server: grpc.Server): net.Server {
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  return net.createServer((socket) => injector.injectConnection(socket));
}

export function setHealth(health: HealthImplementation, status: ServingStatus): void {
  for (const service of HEALTH_SERVICES) health.setStatus(service, status);
}

/** Listens on POD_IP:PORT only; resolves with the bound port. */
export function listenGrpc(backend: GrpcBackend, host: string, port: number): Promise<number> {
  return listenTcp(backend.listener, host, port, 'PORT');
}

/** New connections are refused from this call on; open ones are left to grpc-js' shutdown. */
export function closeGrpcListener(backend: GrpcBackend): void {
  if (backend.listener.listening) backend.listener.close();
}

/** Max connection age is passed only when set: grpc-js' own default is "unlimited". */
function connectionAgeOptions(cfg: BackendConfig): grpc.ServerOptions {
  const options: grpc.ServerOptions = {};
  if (cfg.maxConnectionAgeMs !== undefined) options['grpc.max_connection_age_ms'] = cfg.maxConnectionAgeMs;
  if (cfg.maxConnectionAgeGraceMs !== undefined) options['grpc.max_connection_age_grace_ms'] = cfg.maxConnectionAgeGraceMs;
  return options;
}

function workHandler(work: WorkService): grpc.handleUnaryCall<WorkRequest, WorkReply> {
  return (call, callback) => {
    const abort = new AbortController();
    let answered = false;
    // grpc-js emits 'cancelled' when any call's stream closes, answered or not; aborting then would
    // build a DOMException (with its stack) for every call, over a tenth of B's CPU under load.
    call.on('cancelled', () => {
      if (!answered) abort.abort();
    });
    work.serve(call.request, 'grpc', abort.signal).then(
      (outcome) => {
        answered = true;
        if (outcome.kind === 'ok') callback(null, outcome.reply);
        else if (outcome.kind !== 'cancelled') callback({ code: ANSWERS[outcome.kind].code, details: outcome.details });
      },
      (err: Error) => {
        answered = true;
        callback({ code: grpc.status.INTERNAL, details: err.message });
      },
    );
  };
}

/** Ticks at once (the caller knows the stream is open), then every interval until the call ends. */
function holdHandler(podName: string, stats: CallStats): grpc.handleServerStreamingCall<HoldRequest, HoldTick> {
  return (call) => {
    const intervalMs = call.request.intervalMs > 0 ? call.request.intervalMs : DEFAULT_HOLD_INTERVAL_MS;
    let seq = 0;
    const tick = () => call.write({ podName, seq: ++seq, sentAtMs: Date.now() });
    stats.holdOpened();
    tick();
    const timer = setInterval(tick, intervalMs);
    // 'cancelled' covers every end of a Hold: the client cancels, or shutdown destroys the connection.
    call.once('cancelled', () => {
      clearInterval(timer);
      stats.holdClosed();
    });
  };
}
