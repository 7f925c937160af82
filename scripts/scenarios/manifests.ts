// Edits the runner makes to rendered objects before applying them. Objects are data: each edit
// returns new objects and leaves the rendered ones alone.
import type { K8sObject } from '../model/k8s.js';

interface Container {
  name: string;
  env?: Array<{ name: string; value?: string; [k: string]: unknown }>;
}

type DeploymentObject = K8sObject & { spec?: { replicas?: number; template?: { spec?: { containers?: Container[] } } } };

function editDeployments(objects: K8sObject[], names: string[], edit: (d: DeploymentObject) => void): K8sObject[] {
  return objects.map((obj) => {
    if (obj.kind !== 'Deployment' || !names.includes(obj.metadata.name)) return obj;
    const copy = structuredClone(obj) as DeploymentObject;
    edit(copy);
    return copy;
  });
}

/**
 * One seed for the whole run: the platform draws kube-proxy's choices from it, and every A and B
 * container gets it as SEED (arrival times, work times), so a run can be repeated.
 */
export function withSeed(objects: K8sObject[], deployments: string[], seed: number): K8sObject[] {
  return editDeployments(objects, deployments, (d) => {
    for (const c of d.spec?.template?.spec?.containers ?? []) {
      c.env = [...(c.env ?? []).filter((e) => e.name !== 'SEED'), { name: 'SEED', value: String(seed) }];
    }
  });
}

/** Replicas each of these Deployments asks for (Kubernetes' default is 1). */
export function replicasOf(objects: K8sObject[], deployments: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const obj of objects as DeploymentObject[]) {
    if (obj.kind === 'Deployment' && deployments.includes(obj.metadata.name)) out.set(obj.metadata.name, obj.spec?.replicas ?? 1);
  }
  return out;
}

/** The same objects with these Deployments at 0 replicas. */
export function withoutReplicas(objects: K8sObject[], deployments: string[]): K8sObject[] {
  return editDeployments(objects, deployments, (d) => {
    d.spec = { ...d.spec, replicas: 0 };
  });
}
