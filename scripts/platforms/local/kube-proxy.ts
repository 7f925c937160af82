// kube-proxy in iptables mode (kind's default), emulated as one TCP proxy per ClusterIP port.
//
// What it reproduces:
// - Each new TCP connection to VIP:port picks one backend at random with equal probability among
//   the current backends, like the chain of `-m statistic --mode random` rules iptables uses.
//   The choice is made once per connection: every byte of that connection, and so every gRPC call
//   multiplexed on it, goes to the same pod (the L4-balancing-of-HTTP/2 problem).
// - Changing the backends (the rules) affects new connections only. An established connection is
//   never moved or cut when its endpoint is removed (conntrack keeps it); it ends only when one of
//   its two ends closes it.
// - A connection to a Service with no endpoints is rejected (iptables REJECT), and one routed to
//   a pod whose listener is closed is refused (the pod's kernel answers the SYN with a RST): in a
//   cluster the client's connect() fails with ECONNREFUSED. A user-space proxy has already
//   accepted the client when it learns either, so the closest it can do is reset the accepted
//   connection before any byte flows: the client's connect() succeeds and its first read fails
//   with ECONNRESET. grpc-js reports both as UNAVAILABLE "No connection established.
//   Last error: ..." with "connect ECONNREFUSED" in a cluster and "read ECONNRESET" here.
// What it does not: session affinity, NodePorts, UDP services, the 1 s sync period (the caller
// delays rule updates; see endpoints.ts).
import net from 'node:net';
import { PlatformError } from '../platform.js';
import { portError } from './addresses.js';

export interface Backend {
  pod: string;
  ip: string;
  port: number;
}

export interface ConnectionInfo {
  vip: string;
  port: number;
  /** null: there was no backend and the client was reset. */
  backend: Backend | null;
}

export interface KubeProxyOptions {
  /** Uniform in [0, 1): seed it for repeatable runs. */
  random: () => number;
  onConnection?: (info: ConnectionInfo) => void;
}

interface ServicePort {
  vip: string;
  port: number;
  server: net.Server;
  backends: Backend[];
  counts: Map<string, number>;
}

export class KubeProxy {
  private readonly random: () => number;
  private readonly onConnection?: (info: ConnectionInfo) => void;
  private readonly servicePorts = new Map<string, ServicePort>();
  /** Every proxied socket, both sides, so that close() can end them all. */
  private readonly sockets = new Set<net.Socket>();

  constructor(opts: KubeProxyOptions) {
    this.random = opts.random;
    this.onConnection = opts.onConnection;
  }

  /** Starts listening on vip:port with no backends. */
  async addServicePort(vip: string, port: number): Promise<void> {
    const key = keyOf(vip, port);
    if (this.servicePorts.has(key)) throw new PlatformError(`kube-proxy already serves ${key}`);
    const entry: ServicePort = { vip, port, server: net.createServer({ allowHalfOpen: true, noDelay: true }), backends: [], counts: new Map() };
    entry.server.on('connection', (client) => this.route(entry, client));
    await new Promise<void>((resolve, reject) => {
      entry.server.once('error', reject);
      entry.server.listen({ host: vip, port, exclusive: true }, () => {
        entry.server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      throw portError(err, vip, port, `ClusterIP ${key}`);
    });
    this.servicePorts.set(key, entry);
  }

  /** Replaces the rules of vip:port. Only connections accepted from now on see them. */
  setBackends(vip: string, port: number, backends: Backend[]): void {
    this.entry(vip, port).backends = backends.map((b) => ({ ...b }));
  }

  backends(vip: string, port: number): Backend[] {
    return this.entry(vip, port).backends.map((b) => ({ ...b }));
  }

  /** Pod name -> connections routed to it so far through vip:port. */
  connectionCounts(vip: string, port: number): Record<string, number> {
    return Object.fromEntries(this.entry(vip, port).counts);
  }

  /** Stops every listener and destroys every proxied socket. */
  async close(): Promise<void> {
    const servers = [...this.servicePorts.values()].map((e) => e.server);
    this.servicePorts.clear();
    const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await Promise.all(closed);
  }

  private entry(vip: string, port: number): ServicePort {
    const entry = this.servicePorts.get(keyOf(vip, port));
    if (!entry) throw new PlatformError(`kube-proxy has no service port ${keyOf(vip, port)}`);
    return entry;
  }

  private route(entry: ServicePort, client: net.Socket): void {
    this.track(client);
    const backend = pick(entry.backends, this.random);
    if (backend) entry.counts.set(backend.pod, (entry.counts.get(backend.pod) ?? 0) + 1);
    this.onConnection?.({ vip: entry.vip, port: entry.port, backend: backend ? { ...backend } : null });
    if (!backend) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: backend.ip, port: backend.port, allowHalfOpen: true, noDelay: true });
    this.track(upstream);
    splice(client, upstream);
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}

function keyOf(vip: string, port: number): string {
  return `${vip}:${port}`;
}

/** Equal probability for each backend, as iptables' statistic module gives. */
function pick(backends: Backend[], random: () => number): Backend | null {
  if (backends.length === 0) return null;
  return backends[Math.min(backends.length - 1, Math.floor(random() * backends.length))];
}

/**
 * Joins two sockets as one connection: bytes both ways, a FIN on one side becomes a FIN on the
 * other (both allow half-open, so the other direction keeps flowing), and an error or reset on one
 * side resets the other. A refused upstream is an error before connect, so the client is reset
 * before it has seen a byte.
 */
function splice(client: net.Socket, upstream: net.Socket): void {
  client.pipe(upstream);
  upstream.pipe(client);
  for (const [side, other] of [
    [client, upstream],
    [upstream, client],
  ] as const) {
    // The 'close' handler below acts on errors; without a listener they would crash the lab.
    side.on('error', () => undefined);
    side.on('close', (hadError) => {
      if (other.destroyed) return;
      if (hadError) other.resetAndDestroy();
      else other.end();
    });
  }
}
