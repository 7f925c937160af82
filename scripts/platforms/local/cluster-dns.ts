// The lab's cluster DNS: a small authoritative server that answers real DNS packets (encoded and
// decoded by dns-packet) for the names the platform registers, as CoreDNS does in a cluster.
//
// What it emulates (kind's CoreDNS, configured by kubeadm with `ttl 30` and `cache 30`):
// - A: the addresses registered for the name (a ClusterIP Service: its virtual IP; a headless
//   Service: its ready pods), TTL 30 s by default.
// - A name the lab knows but with no address, and any other type (AAAA, TXT, SRV...) for a known
//   name: NOERROR with no answers, which resolvers report as ENODATA.
// - An unknown name: NXDOMAIN (resolvers: ENOTFOUND).
// - Names are case-insensitive and a trailing dot is ignored.
// What it leaves out: search domains (the client sends the full name), SRV/PTR records, negative
// caching (no SOA in the authority section), EDNS, name compression.
//
// Transports: UDP, and TCP on the same port. dns-packet does not compress names, so a headless
// answer with many pods outgrows the 512 bytes a plain UDP answer may carry (about 9 addresses for
// a full cluster.local name); such an answer goes out with the TC bit set and the resolver asks
// again over TCP, exactly what a real resolver does with a large answer.
import dgram from 'node:dgram';
import net from 'node:net';
import * as packet from 'dns-packet';
import { PlatformError } from '../platform.js';
import { portError } from './addresses.js';

/** RFC 1035 4.1.1 response codes (the low 4 bits of the flags). */
const RCODE = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4 } as const;
type Rcode = keyof typeof RCODE;
/** The largest answer a UDP message may carry without EDNS (RFC 1035 4.2.1). */
const UDP_MAX_BYTES = 512;

export interface DnsQueryInfo {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
  rcode: Rcode;
  answers: number;
}

export interface ClusterDnsOptions {
  ip: string;
  port: number;
  /** TTL of every A record; default 30 s, as kind's CoreDNS. */
  ttlSeconds?: number;
  /** Called for every answered query (tests and the timeline use it to see what clients ask). */
  onQuery?: (query: DnsQueryInfo) => void;
}

export class ClusterDns {
  private readonly ip: string;
  private readonly port: number;
  private readonly ttl: number;
  private readonly onQuery?: (query: DnsQueryInfo) => void;
  private readonly records = new Map<string, string[]>();
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  private readonly tcpClients = new Set<net.Socket>();
  private answered = 0;

  constructor(opts: ClusterDnsOptions) {
    this.ip = opts.ip;
    this.port = opts.port;
    this.ttl = opts.ttlSeconds ?? 30;
    this.onQuery = opts.onQuery;
    if (!Number.isInteger(this.ttl) || this.ttl < 0) throw new PlatformError(`DNS TTL ${this.ttl} must be a whole number of seconds >= 0`);
  }

  async start(): Promise<void> {
    if (this.udp) throw new PlatformError(`cluster DNS on ${this.ip}:${this.port} is already started`);
    try {
      this.udp = await this.bindUdp();
      this.tcp = await this.listenTcp();
    } catch (err) {
      await this.stop();
      throw portError(err, this.ip, this.port, 'cluster DNS');
    }
  }

  async stop(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const socket of this.tcpClients) socket.destroy();
    this.tcpClients.clear();
    await Promise.all([
      udp && new Promise<void>((resolve) => udp.close(() => resolve())),
      tcp && new Promise<void>((resolve) => tcp.close(() => resolve())),
    ]);
  }

  /** A records for a name; [] makes the name known with no address (answers NOERROR, no data). */
  setRecords(fqdn: string, ips: string[]): void {
    const bad = ips.find((ip) => !net.isIPv4(ip));
    if (bad !== undefined) throw new PlatformError(`DNS record for ${fqdn}: ${bad} is not an IPv4 address`);
    this.records.set(normalize(fqdn), [...ips]);
  }

  deleteName(fqdn: string): void {
    this.records.delete(normalize(fqdn));
  }

  /** How many queries were answered so far, over both transports. */
  queries(): number {
    return this.answered;
  }

  private bindUdp(): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', reject);
      socket.bind({ address: this.ip, port: this.port, exclusive: true }, () => {
        socket.off('error', reject);
        // A bad datagram or a vanished client must never take the server down.
        socket.on('error', () => undefined);
        socket.on('message', (msg, from) => {
          const reply = this.answer(msg, 'udp');
          const bytes = reply && encodeSafely(() => encodeForUdp(reply));
          if (bytes) socket.send(bytes, from.port, from.address);
        });
        resolve(socket);
      });
    });
  }

  private listenTcp(): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.serveTcp(socket));
      server.once('error', reject);
      server.listen({ host: this.ip, port: this.port, exclusive: true }, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  /** DNS over TCP: each message is prefixed with its length in two bytes (RFC 1035 4.2.2). */
  private serveTcp(socket: net.Socket): void {
    this.tcpClients.add(socket);
    socket.on('close', () => this.tcpClients.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0);
        const reply = this.answer(pending.subarray(2, 2 + length), 'tcp');
        pending = pending.subarray(2 + length);
        const bytes = reply && encodeSafely(() => packet.streamEncode(reply));
        if (bytes) socket.write(bytes);
      }
    });
  }

  /** The response to one query message, or null for something that is not a query at all. */
  private answer(message: Buffer, transport: 'udp' | 'tcp'): packet.Packet | null {
    let query: packet.DecodedPacket;
    try {
      query = packet.decode(message);
    } catch {
      return null;
    }
    if (query.type !== 'query') return null;
    const question = query.questions?.length === 1 ? query.questions[0] : undefined;
    const { rcode, answers } = this.resolve(query, question);
    this.answered++;
    this.onQuery?.({ name: question?.name ?? '', type: question?.type ?? '', transport, rcode, answers: answers.length });
    return {
      type: 'response',
      id: query.id,
      // Authoritative, recursion-desired echoed from the query, and the response code.
      flags: packet.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & packet.RECURSION_DESIRED) | RCODE[rcode],
      questions: question ? [question] : [],
      answers,
    };
  }

  private resolve(query: packet.DecodedPacket, question: packet.Question | undefined): { rcode: Rcode; answers: packet.Answer[] } {
    if (!question) return { rcode: 'FORMERR', answers: [] };
    if (!isStandardQuery(query)) return { rcode: 'NOTIMP', answers: [] };
    return this.lookup(question);
  }

  private lookup(question: packet.Question): { rcode: Rcode; answers: packet.Answer[] } {
    const name = normalize(question.name);
    const ips = this.records.get(name);
    if (ips === undefined) return { rcode: 'NXDOMAIN', answers: [] };
    if (question.type !== 'A' || (question.class ?? 'IN') !== 'IN') return { rcode: 'NOERROR', answers: [] };
    return {
      rcode: 'NOERROR',
      answers: ips.map((ip) => ({ type: 'A' as const, class: 'IN' as const, name: question.name, ttl: this.ttl, data: ip })),
    };
  }
}

/** Opcode 0 (QUERY), bits 11-14 of the flags: the only kind of request this server handles. */
function isStandardQuery(query: packet.DecodedPacket): boolean {
  return (((query.flags ?? 0) >> 11) & 0xf) === 0;
}

function normalize(fqdn: string): string {
  return fqdn.toLowerCase().replace(/\.$/, '');
}

/** A question dns-packet can decode but not encode back is dropped, never thrown at the lab. */
function encodeSafely(encode: () => Buffer): Buffer | null {
  try {
    return encode();
  } catch {
    return null;
  }
}

/** Too big for plain UDP: no answers, TC bit set, and the resolver retries over TCP. */
function encodeForUdp(reply: packet.Packet): Buffer {
  const full = packet.encode(reply);
  if (full.length <= UDP_MAX_BYTES) return full;
  return packet.encode({ ...reply, flags: (reply.flags ?? 0) | packet.TRUNCATED_RESPONSE, answers: [] });
}
