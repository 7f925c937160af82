// Image -> process: the local platform has no container runtime, so each image it supports is
// mapped to a program on this machine. The mapping is checked once per Deployment when the lab
// comes up (so a missing binary or build fails before any pod starts) and applied per pod.
//
//   grpc-k8s-lab:*  args[0] service-a | service-b  ->  node dist/services/{a,b}/main.js args[1..]
//   haproxy:*                                       ->  the system haproxy binary (Debian package
//                                                       `haproxy`), -f <the ConfigMap file, copied
//                                                       to the lab's temp dir> -db, with the
//                                                       config's `parse-resolv-conf` replaced by
//                                                       `nameserver lab tcp@<dns ip>:<port>`
//
// Why DNS over TCP for HAProxy: a kubelet gives the pod a resolv.conf naming the cluster DNS, and
// CoreDNS answers HAProxy's EDNS queries (accepted_payload_size) over UDP with every pod address.
// The lab DNS answers plain 512-byte UDP and sets the TC bit on a bigger answer (about 9 pods of a
// cluster.local name); HAProxy 2.6 does not retry such an answer over TCP, it marks every server
// down. Asking over TCP from the start gives HAProxy the full answer, as CoreDNS would.
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PlatformError } from '../platform.js';
import { builtFile } from './paths.js';
import type { ContainerSpec } from './pod-template.js';
import type { PodFiles } from './volumes.js';

export interface LaunchPlan {
  command: string;
  args: string[];
}

/** Everything a pod start needs beyond the static image check. */
export interface LaunchContext {
  files: PodFiles;
  dns: { ip: string; port: number };
}

export type Launcher = (ctx: LaunchContext) => LaunchPlan;

interface ImageMapping {
  repository: string;
  /** Static checks (PlatformError on failure) and the per-pod launcher. */
  resolve(container: ContainerSpec, where: string): Launcher;
}

const LAB_SERVICES: Record<string, string> = { 'service-a': 'services/a/main.js', 'service-b': 'services/b/main.js' };

const labImage: ImageMapping = {
  repository: 'grpc-k8s-lab',
  resolve(container, where) {
    if (container.command) throw new PlatformError(`${where}: command is not supported with ${container.image}: the local platform maps args[0] (service-a or service-b)`);
    const script = LAB_SERVICES[container.args[0] ?? ''];
    if (!script) throw new PlatformError(`${where}: ${container.image} needs args[0] service-a or service-b, got ${JSON.stringify(container.args[0] ?? null)}`);
    const file = builtFile(script);
    return () => ({ command: process.execPath, args: [file, ...container.args.slice(1)] });
  },
};

/** The official image's default config path (its CMD is `haproxy -f` this). */
const HAPROXY_DEFAULT_CONFIG = '/usr/local/etc/haproxy/haproxy.cfg';

const haproxyImage: ImageMapping = {
  repository: 'haproxy',
  resolve(container, where) {
    if (container.command && !(container.command.length === 1 && path.basename(container.command[0]) === 'haproxy')) {
      throw new PlatformError(`${where}: command ${JSON.stringify(container.command)} is not supported with ${container.image}: leave it unset or ["haproxy"]`);
    }
    const binary = findHaproxy();
    const args = [...container.args];
    const f = args.indexOf('-f');
    if (f >= 0 && f === args.length - 1) throw new PlatformError(`${where}: haproxy -f needs a file`);
    if (f < 0) args.unshift('-f', HAPROXY_DEFAULT_CONFIG);
    const fIndex = args.indexOf('-f') + 1;
    const configPath = args[fIndex];
    if (!container.volumeMounts.some((m) => configPath.startsWith(m.mountPath.replace(/\/?$/, '/')) || configPath === m.mountPath)) {
      throw new PlatformError(`${where}: haproxy config ${configPath} is not in a mounted ConfigMap volume`);
    }
    if (!args.includes('-db')) args.push('-db');
    return ({ files, dns }) => {
      const hostConfig = files.hostPath(configPath);
      if (!hostConfig) throw new PlatformError(`${where}: haproxy config ${configPath} is not in a ConfigMap volume`);
      writeFileSync(hostConfig, withLabNameserver(readFileSync(hostConfig, 'utf8'), dns));
      return { command: binary, args: args.map((a, i) => (i === fIndex ? hostConfig : a)) };
    };
  },
};

const IMAGES: ImageMapping[] = [labImage, haproxyImage];

/** The launcher of a container's image; PlatformError when the platform cannot run it. */
export function resolveImage(container: ContainerSpec, where: string): Launcher {
  const repository = repositoryOf(container.image);
  const mapping = IMAGES.find((m) => m.repository === repository);
  if (!mapping) {
    throw new PlatformError(`${where}: image ${container.image} is not supported by the local platform (supported: ${IMAGES.map((m) => `${m.repository}:*`).join(', ')})`);
  }
  return mapping.resolve(container, where);
}

/** `registry:5000/team/name:tag@sha256:...` -> `name`. */
export function repositoryOf(image: string): string {
  const last = image.split('@')[0].split('/').pop() ?? '';
  return last.split(':')[0];
}

/**
 * A kubelet writes a pod's resolv.conf with the cluster DNS; HAProxy reads it through
 * `parse-resolv-conf`. The local equivalent is the lab DNS as the resolvers section's nameserver
 * (over TCP: see the header).
 */
export function withLabNameserver(config: string, dns: { ip: string; port: number }): string {
  return config.replace(/^([ \t]*)parse-resolv-conf[ \t]*$/gm, `$1nameserver lab tcp@${dns.ip}:${dns.port}`);
}

const SBIN_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

function findHaproxy(): string {
  // LAB_HAPROXY names another HAProxy build (and lets a test take HAProxy away).
  const chosen = process.env.LAB_HAPROXY;
  if (chosen) {
    if (isExecutable(chosen)) return chosen;
    throw new PlatformError(`the haproxy image runs LAB_HAPROXY=${chosen}, which is not an executable file: unset it to run the system haproxy (apt-get install haproxy)`);
  }
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'haproxy');
    if (isExecutable(candidate)) return candidate;
  }
  throw new PlatformError('the haproxy image runs the system haproxy binary, which is not installed: install the Debian package haproxy (apt-get install haproxy)');
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
