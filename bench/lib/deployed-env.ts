// The environment a service runs with in the lab's manifests, for benchmarks that start its
// process directly: what is measured is the service as deployed, not a differently tuned copy.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

interface Container {
  env?: Array<{ name: string; value?: string }>;
}

/** The literal value of `name` in the first container of <root>/k8s/base/<file>, or undefined. */
export function deployedEnv(root: string, file: string, name: string): string | undefined {
  const doc = parse(readFileSync(path.join(root, 'k8s', 'base', file), 'utf8')) as {
    spec?: { template?: { spec?: { containers?: Container[] } } };
  };
  const container = doc.spec?.template?.spec?.containers?.[0];
  if (!container) throw new Error(`k8s/base/${file}: no container`);
  return container.env?.find((e) => e.name === name)?.value;
}
