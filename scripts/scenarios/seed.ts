// One seed for the whole run: the platform draws kube-proxy's choices from it, and every A and B
// container gets it as SEED (arrival times, work times), so a run can be repeated.
import type { K8sObject } from '../platforms/platform.js';

interface Container {
  name: string;
  env?: Array<{ name: string; value?: string; [k: string]: unknown }>;
}

export function withSeed(objects: K8sObject[], deployments: string[], seed: number): K8sObject[] {
  return objects.map((obj) => {
    if (obj.kind !== 'Deployment' || !deployments.includes(obj.metadata.name)) return obj;
    const copy = structuredClone(obj) as K8sObject & { spec?: { template?: { spec?: { containers?: Container[] } } } };
    for (const c of copy.spec?.template?.spec?.containers ?? []) {
      c.env = [...(c.env ?? []).filter((e) => e.name !== 'SEED'), { name: 'SEED', value: String(seed) }];
    }
    return copy;
  });
}
