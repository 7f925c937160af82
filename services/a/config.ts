// Service A's configuration, read once from the environment. Pure: no gRPC import here, because
// grpc-js reads GRPC_NODE_USE_ALTERNATIVE_RESOLVER when it is first imported and main.ts must set
// it (from DNS_SERVER) before that happens.
import os from 'node:os';
import net from 'node:net';
import { ConfigError, num, oneOf, optionalNum, optionalStr, port, str } from '../shared/config.js';

type Env = Record<string, string | undefined>;

export const LB_POLICIES = ['pick_first', 'round_robin'] as const;
export type LbPolicy = (typeof LB_POLICIES)[number];
export const PROTOCOLS = ['grpc', 'rest'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const DEFAULT_TARGET = 'dns:///service-b.grpc-lab.svc.cluster.local.:50051';

/** A DNS server given as an IP literal and a port (grpc-js needs an IP literal as the authority). */
export interface DnsServer {
  host: string;
  port: number;
  /** "IP:PORT", or "[IPv6]:PORT". */
  address: string;
}

export interface AConfig {
  podName: string;
  podIp: string;
  /** The gRPC target after the DNS_SERVER rewrite: what the channels dial. */
  target: string;
  lbPolicy: LbPolicy;
  channels: number;
  /** Calls per second (mean of the Poisson process); 0 schedules nothing. */
  rate: number;
  seed: number;
  maxInFlight: number;
  deadlineMs: number;
  retries: boolean;
  payloadSize: number;
  protocol: Protocol;
  restTarget?: URL;
  statsPort: number;
  dnsServer?: DnsServer;
  dnsMinTimeBetweenResolutionsMs?: number;
  statsLingerMs: number;
}

// gRPC's maximum receive size is 4 MiB by default; keep the reply (payload plus framing) under it.
const MAX_PAYLOAD = 4_000_000;

export function loadConfig(env: Env): AConfig {
  const protocol = oneOf(env, 'PROTOCOL', PROTOCOLS, 'grpc');
  const dnsServer = parseDnsServer(optionalStr(env, 'DNS_SERVER'));
  const podIp = str(env, 'POD_IP', '127.0.0.1');
  if (net.isIP(podIp) === 0) throw new ConfigError(`POD_IP=${podIp} is not an IP address`);
  const restRaw = optionalStr(env, 'REST_TARGET');
  if (protocol === 'rest' && restRaw === undefined) throw new ConfigError('PROTOCOL=rest needs REST_TARGET (e.g. http://service-b:8080)');
  return {
    podName: str(env, 'POD_NAME', os.hostname()),
    podIp,
    target: withDnsServer(str(env, 'TARGET', DEFAULT_TARGET), dnsServer),
    lbPolicy: oneOf(env, 'LB_POLICY', LB_POLICIES, 'pick_first'),
    channels: num(env, 'CHANNELS', 1, { min: 1, max: 64, integer: true }),
    rate: num(env, 'RATE', 100, { min: 0 }),
    seed: num(env, 'SEED', 1, { integer: true }),
    maxInFlight: num(env, 'MAX_IN_FLIGHT', 1000, { min: 1, integer: true }),
    deadlineMs: num(env, 'DEADLINE_MS', 2000, { min: 1, integer: true }),
    retries: oneOf(env, 'RETRIES', ['off', 'on'] as const, 'off') === 'on',
    payloadSize: num(env, 'PAYLOAD_SIZE', 0, { min: 0, max: MAX_PAYLOAD, integer: true }),
    protocol,
    restTarget: restRaw === undefined ? undefined : parseRestTarget(restRaw),
    statsPort: port(env, 'STATS_PORT', 9090),
    dnsServer,
    dnsMinTimeBetweenResolutionsMs: optionalNum(env, 'DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS', { min: 0, integer: true }),
    statsLingerMs: num(env, 'STATS_LINGER_MS', 2000, { min: 0, integer: true }),
  };
}

export function parseDnsServer(raw: string | undefined): DnsServer | undefined {
  if (raw === undefined) return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(raw);
  const host = m?.[1] ?? m?.[2];
  const p = Number(m?.[3]);
  if (!m || host === undefined || net.isIP(host) === 0 || !(p > 0 && p < 65536)) {
    throw new ConfigError(`DNS_SERVER=${raw} must be IP:PORT with an IP literal (e.g. 127.0.0.53:5353)`);
  }
  return { host, port: p, address: raw };
}

// Schemes grpc-js resolves without DNS: a TARGET with one of these is left alone.
const NON_DNS_SCHEMES = ['ipv4', 'ipv6', 'unix', 'unix-abstract', 'vsock', 'xds'];

/**
 * Points a DNS target at the lab's DNS server: `dns:///host:port`, `dns://other/host:port`,
 * `dns:host:port` and a scheme-less `host:port` all become `dns://IP:PORT/host:port`.
 */
export function withDnsServer(target: string, server: DnsServer | undefined): string {
  if (server === undefined) return target;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(target)?.[1]?.toLowerCase();
  if (scheme !== undefined && NON_DNS_SCHEMES.includes(scheme)) return target;
  const hostPort = scheme === 'dns' ? target.slice(4).replace(/^\/\/[^/]*\//, '') : target;
  return `dns://${server.address}/${hostPort}`;
}

function parseRestTarget(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`REST_TARGET=${raw} is not a URL (e.g. http://service-b:8080)`);
  }
  if (url.protocol !== 'http:' || url.hostname === '') throw new ConfigError(`REST_TARGET=${raw} must be an http:// URL with a host`);
  return url;
}
