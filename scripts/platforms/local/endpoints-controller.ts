// The EndpointSlice controller: for every Service, the pods its selector matches in its namespace
// that are ready and not terminating, published whenever that set changes. What kube-proxy and
// DNS do with it, and when, is the EndpointPropagator's business (endpoints.ts).
import type { Endpoint } from './endpoints.js';
import type { ServiceSpec } from './objects.js';

export interface PodEndpointView {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  ip: string;
  ready: boolean;
  terminating: boolean;
}

export class EndpointsController {
  private readonly published = new Map<string, string>();

  constructor(
    private readonly services: ServiceSpec[],
    private readonly publish: (service: ServiceSpec, endpoints: Endpoint[]) => void,
  ) {}

  /** Recomputes every Service's endpoints from the pods as they are now. */
  sync(pods: PodEndpointView[]): void {
    for (const service of this.services) {
      const endpoints = pods
        .filter((p) => p.namespace === service.namespace && p.ready && !p.terminating && selects(service.selector, p.labels))
        .map((p) => ({ pod: p.name, ip: p.ip }))
        .sort((a, b) => a.pod.localeCompare(b.pod));
      const key = JSON.stringify(endpoints);
      const id = `${service.namespace}/${service.name}`;
      if (this.published.get(id) === key) continue;
      this.published.set(id, key);
      this.publish(service, endpoints);
    }
  }
}

export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
