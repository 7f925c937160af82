// A Platform that brings up the objects it is given with one Deployment's replica count replaced:
// how the scale benchmark runs a round unchanged (same overlay, timeline, verdicts) at 50 pods.
// The scenario engine takes any Platform, so the override needs no change to the engine.
import type { K8sObject, PodInfo } from '../../scripts/model/k8s.js';
import type { LabEvent } from '../../scripts/model/events.js';
import type { ClusterInfo } from '../../scripts/model/traits.js';
import type { Platform } from '../../scripts/platforms/platform.js';

export function withReplicas(objects: K8sObject[], deployment: string, replicas: number): K8sObject[] {
  let found = false;
  const patched = objects.map((obj) => {
    if (obj.kind !== 'Deployment' || obj.metadata.name !== deployment) return obj;
    found = true;
    const copy = structuredClone(obj) as K8sObject & { spec: { replicas?: number } };
    copy.spec.replicas = replicas;
    return copy;
  });
  if (!found) throw new Error(`no Deployment ${deployment} among the rendered objects`);
  return patched;
}

export class ReplicasOverride implements Platform {
  readonly name: string;
  readonly info: Platform['info'];

  constructor(
    private readonly inner: Platform,
    private readonly deployment: string,
    private readonly replicas: number,
  ) {
    this.name = inner.name;
    this.info = inner.info;
  }

  up(objects: K8sObject[], timeoutMs?: number): Promise<void> {
    return this.inner.up(withReplicas(objects, this.deployment, this.replicas), timeoutMs);
  }
  rolloutRestart(deployment: string): Promise<void> {
    return this.inner.rolloutRestart(deployment);
  }
  waitForRollout(deployment: string, timeoutMs?: number): Promise<void> {
    return this.inner.waitForRollout(deployment, timeoutMs);
  }
  scale(deployment: string, replicas: number): Promise<void> {
    return this.inner.scale(deployment, replicas);
  }
  pods(): Promise<PodInfo[]> {
    return this.inner.pods();
  }
  onEvent(listener: (event: LabEvent) => void): () => void {
    return this.inner.onEvent(listener);
  }
  events(): LabEvent[] {
    return this.inner.events();
  }
  httpGet(pod: string, port: number, path: string): Promise<string> {
    return this.inner.httpGet(pod, port, path);
  }
  clusterInfo(): Promise<ClusterInfo> {
    return this.inner.clusterInfo();
  }
  collectLogs(dir: string): Promise<string[]> {
    return this.inner.collectLogs(dir);
  }
  down(): Promise<void> {
    return this.inner.down();
  }
}
