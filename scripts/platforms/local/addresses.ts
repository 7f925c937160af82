// Address plan of one local lab, and the check that an address is free before the lab takes it.
//
// Linux routes the whole of 127.0.0.0/8 to the loopback interface, so every pod, every ClusterIP
// and the cluster DNS can have an address of its own without root and without any set-up:
//
//   one lab             127.N.0.0/16               N = octet (default 10)
//   cluster DNS         127.N.0.10 port 10053      kube-dns's usual .10; 10053 because a normal
//                                                  user cannot bind 53
//   pod i (0, 1, ...)   127.N.(1 + i / 250).(1 + i % 250)   never reused within a lab, so a stale
//                                                  route can only ever reach the old pod
//   ClusterIP k         127.N.96.(1 + k)           like the 10.96.0.0/12 service range of kubeadm
import net from 'node:net';
import dgram from 'node:dgram';
import { PlatformError } from '../platform.js';

const PODS_PER_BLOCK = 250;
/** Pods use third octets 1..95: 96 and above belong to services. */
const POD_BLOCKS = 95;
const SERVICE_BLOCK = 96;
const MAX_SERVICES = 254;

export class AddressPlan {
  readonly octet: number;
  readonly dns: { ip: string; port: number };
  private podsHanded = 0;

  constructor(octet = 10) {
    if (!Number.isInteger(octet) || octet < 1 || octet > 254) {
      throw new PlatformError(`lab address octet ${octet} must be a whole number from 1 to 254 (the lab uses 127.N.0.0/16)`);
    }
    this.octet = octet;
    this.dns = { ip: `127.${octet}.0.10`, port: 10053 };
  }

  /** The next pod address; addresses are never handed out twice. */
  nextPodIp(): string {
    const ip = this.podIp(this.podsHanded);
    this.podsHanded++;
    return ip;
  }

  /** The next `count` pod addresses, without handing them out: what a start-up checks first. */
  upcomingPodIps(count: number): string[] {
    return Array.from({ length: Math.min(count, PODS_PER_BLOCK * POD_BLOCKS - this.podsHanded) }, (_, k) => this.podIp(this.podsHanded + k));
  }

  /** The address of the index-th pod of a lab (0-based): the same in every lab of this octet. */
  podIp(index: number): string {
    if (index >= PODS_PER_BLOCK * POD_BLOCKS) {
      throw new PlatformError(`the lab ran out of pod addresses after ${index} pods`);
    }
    return `127.${this.octet}.${1 + Math.floor(index / PODS_PER_BLOCK)}.${1 + (index % PODS_PER_BLOCK)}`;
  }

  /** The ClusterIP of the index-th service (0-based). */
  serviceIp(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= MAX_SERVICES) {
      throw new PlatformError(`service index ${index} is outside 0..${MAX_SERVICES - 1}`);
    }
    return `127.${this.octet}.${SERVICE_BLOCK}.${1 + index}`;
  }
}

/**
 * Binds ip:port for an instant and lets it go: PlatformError "port IP:PORT for WHAT is already in
 * use" when something holds it. Binding is the only check that sees every kind of holder.
 */
export async function assertPortFree(ip: string, port: number, what: string, protocol: 'tcp' | 'udp' = 'tcp'): Promise<void> {
  try {
    await (protocol === 'tcp' ? bindTcpBriefly(ip, port) : bindUdpBriefly(ip, port));
  } catch (err) {
    throw portError(err, ip, port, what);
  }
}

/** The one message a taken (or unusable) address gets everywhere in the local platform. */
export function portError(err: unknown, ip: string, port: number, what: string): PlatformError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new PlatformError(`port ${ip}:${port} for ${what} is already in use`);
  return new PlatformError(`cannot bind ${ip}:${port} for ${what}: ${code ?? (err as Error).message}`);
}

function bindTcpBriefly(ip: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: ip, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

function bindUdpBriefly(ip: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', (err) => {
      socket.close();
      reject(err);
    });
    socket.bind({ address: ip, port, exclusive: true }, () => socket.close(() => resolve()));
  });
}
