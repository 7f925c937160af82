// Every scenario overlay in k8s/scenarios, found on disk rather than from the specs, so that an
// overlay no spec names is checked too. A round's shared knobs are a kustomize Component, which
// kustomize renders only through the variants that include it, so those directories are skipped.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './processes.js';

const isComponent = (file: string): boolean => /^kind:\s*Component\s*$/m.test(readFileSync(file, 'utf8'));

/** Every directory under `dir` (default k8s/scenarios) whose kustomization.yaml is a Kustomization, however deep. */
export function scenarioOverlayDirs(dir = path.join(PROJECT_ROOT, 'k8s', 'scenarios')): string[] {
  const entries = readdirSync(dir);
  const file = path.join(dir, 'kustomization.yaml');
  const here = entries.includes('kustomization.yaml') && !isComponent(file) ? [dir] : [];
  const subdirs = entries.filter((d) => statSync(path.join(dir, d)).isDirectory());
  return [...here, ...subdirs.flatMap((d) => scenarioOverlayDirs(path.join(dir, d)))];
}
