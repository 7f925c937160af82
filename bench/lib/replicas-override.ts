// A Platform that brings up the objects it is given with one Deployment's replica count replaced:
// how the scale benchmark runs a round unchanged (same overlay, timeline, verdicts) at 50 pods.
// The scenario engine takes any Platform, so the override needs no change to the engine.
import type { K8sObject } from '../../scripts/model/k8s.js';
import type { Platform } from '../../scripts/platforms/platform.js';
import { WrappedPlatform } from '../../scripts/platforms/wrapped.js';

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

export class ReplicasOverride extends WrappedPlatform {
  constructor(
    inner: Platform,
    private readonly deployment: string,
    private readonly replicas: number,
  ) {
    super(inner);
  }

  override up(objects: K8sObject[], timeoutMs?: number): Promise<void> {
    return this.inner.up(withReplicas(objects, this.deployment, this.replicas), timeoutMs);
  }
}
