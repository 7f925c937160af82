// Where a Service's endpoints become data-path state:
// - kube-proxy: one rule set per ClusterIP port, each endpoint's targetPort resolved through that
//   pod's container ports when it is a name (a pod without such a port is left out, as kube-proxy
//   does);
// - cluster DNS: a ClusterIP Service's name answers its virtual IP, a headless one's the ready
//   pods' addresses, and a headless Service with no ready pod is an unknown name (NXDOMAIN).
// Names: <svc>.<ns>.svc.cluster.local, plus the shorter forms a pod's resolv.conf search list
// (<ns>.svc.cluster.local svc.cluster.local cluster.local) would complete: the lab's clients
// query the lab DNS directly and no resolver between them applies a search list.
import type { Backend } from './kube-proxy.js';
import type { Endpoint } from './endpoints.js';
import type { ContainerPort } from './pod-template.js';
import type { ServicePort, ServiceSpec } from './objects.js';
import { resolvePort } from './probes.js';

export function backendsFor(port: ServicePort, endpoints: Endpoint[], podPorts: (pod: string) => ContainerPort[]): Backend[] {
  return endpoints.flatMap((e) => {
    const target = resolvePort(port.targetPort, podPorts(e.pod));
    return target === undefined ? [] : [{ pod: e.pod, ip: e.ip, port: target }];
  });
}

export const CLUSTER_DOMAIN = 'cluster.local';

export function dnsNames(service: Pick<ServiceSpec, 'name' | 'namespace'>): string[] {
  const { name, namespace } = service;
  return [`${name}.${namespace}.svc.${CLUSTER_DOMAIN}`, `${name}.${namespace}.svc`, `${name}.${namespace}`, name];
}
