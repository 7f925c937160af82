// The bytes B's gRPC and REST sockets carry on the wire, both directions, for round 5's "bytes per
// call": everything each TCP connection carried (HTTP/2 frames and HPACK headers, HTTP/1.1 headers
// and JSON bodies), read from Node's per-socket counts. Those counts are added to a Prometheus
// counter as they grow: on every scrape for the sockets still open, and one last time when a socket
// closes, so a long-lived HTTP/2 connection shows its bytes while it lasts, not only once it ends.
import type net from 'node:net';
import { Counter, type Registry } from 'prom-client';
import type { Protocol } from './stats.js';

const PROTOCOLS: Protocol[] = ['grpc', 'rest'];
const DIRECTIONS = ['in', 'out'] as const;
type Direction = (typeof DIRECTIONS)[number];

/** What one socket has carried so far, by direction. */
type Carried = Record<Direction, number>;

interface Followed {
  protocol: Protocol;
  /** The part of the socket's bytes already added to the counter. */
  counted: Carried;
}

function carried(socket: net.Socket): Carried {
  return { in: socket.bytesRead, out: socket.bytesWritten };
}

export class WireBytes {
  private readonly open = new Map<net.Socket, Followed>();
  private readonly counter: Counter<'protocol' | 'direction'>;

  constructor(registry: Registry) {
    const wire = this;
    this.counter = new Counter({
      name: 'lab_b_wire_bytes_total',
      help: 'Bytes carried by the sockets of the gRPC and REST ports, by protocol and direction (in = received by B)',
      labelNames: ['protocol', 'direction'],
      registers: [registry],
      collect() {
        wire.catchUp();
      },
    });
    // Every series exists from the start, so a reader sees 0 rather than a missing metric.
    for (const protocol of PROTOCOLS) for (const direction of DIRECTIONS) this.counter.inc({ protocol, direction }, 0);
  }

  /** Counts the bytes of every connection `server` accepts from now on. */
  countConnectionsOf(server: net.Server, protocol: Protocol): void {
    server.on('connection', (socket: net.Socket) => this.follow(socket, protocol));
  }

  private follow(socket: net.Socket, protocol: Protocol): void {
    const followed: Followed = { protocol, counted: { in: 0, out: 0 } };
    this.open.set(socket, followed);
    // A closed socket keeps its final counts: add what grew since the last scrape, then forget it.
    socket.once('close', () => {
      this.addGrowth(socket, followed);
      this.open.delete(socket);
    });
  }

  private catchUp(): void {
    for (const [socket, followed] of this.open) this.addGrowth(socket, followed);
  }

  private addGrowth(socket: net.Socket, followed: Followed): void {
    const now = carried(socket);
    for (const direction of DIRECTIONS) {
      const growth = now[direction] - followed.counted[direction];
      // `> 0` also skips a count Node cannot give (undefined makes NaN): the counter never goes back.
      if (!(growth > 0)) continue;
      this.counter.inc({ protocol: followed.protocol, direction }, growth);
      followed.counted[direction] = now[direction];
    }
  }
}
