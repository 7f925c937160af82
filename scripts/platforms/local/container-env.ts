// The environment a pod's process starts with, built the way the kubelet builds a container's:
// nothing inherited from the orchestrator except PATH (the program still has to be found), the
// manifest's env in order, downward-API fields resolved, and $(VAR) references expanded.
//
// On top of the manifest the local kubelet provides, as defaults a manifest may override:
// - HOSTNAME, POD_NAME, POD_NAMESPACE, POD_IP: what the downward API and the pod's hostname give;
// - DNS_SERVER=<lab DNS ip:port> and GRPC_NODE_USE_ALTERNATIVE_RESOLVER=true: how a pod gets the
//   cluster DNS here. In a cluster the kubelet writes the pod's /etc/resolv.conf; local pods share
//   the machine's, so the lab's gRPC clients are pointed at the lab DNS instead (grpc-js's
//   alternative resolver takes the DNS server from the target's authority: dns://IP:PORT/name).
import type { EnvVar, FieldPath } from './pod-template.js';

export interface PodIdentity {
  name: string;
  namespace: string;
  ip: string;
}

export function containerEnv(env: EnvVar[], pod: PodIdentity, dns: { ip: string; port: number }): Record<string, string> {
  const fields: Record<FieldPath, string> = { 'metadata.name': pod.name, 'metadata.namespace': pod.namespace, 'status.podIP': pod.ip };
  const vars: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOSTNAME: pod.name,
    POD_NAME: pod.name,
    POD_NAMESPACE: pod.namespace,
    POD_IP: pod.ip,
    DNS_SERVER: `${dns.ip}:${dns.port}`,
    GRPC_NODE_USE_ALTERNATIVE_RESOLVER: 'true',
  };
  for (const e of env) vars[e.name] = 'fieldPath' in e ? fields[e.fieldPath] : expandVars(e.value, vars);
  return vars;
}

/** Kubernetes' $(VAR) expansion: known names are replaced, unknown ones kept, $$ escapes a $. */
export function expandVars(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (name === undefined) return '$';
    return vars[name] ?? whole;
  });
}
