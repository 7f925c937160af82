// Before the first variant of a run: everything the whole run needs is checked at once (each
// variant's manifests rendered, the reports directory, and, through the registry, the chosen
// platform's tools, images, ports and addresses). A run that cannot finish must not find out
// after minutes of measuring: the person gets one line per problem, and nothing has started.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../services/shared/project-root.js';
import type { K8sObject } from '../model/k8s.js';
import { ManifestError } from '../platforms/manifest-error.js';
import { PlatformError } from '../platforms/platform.js';
import type { PlannedVariant } from '../platforms/registry.js';
import { replicasOf } from '../scenarios/manifests.js';
import { renderVariant } from '../scenarios/runner.js';
import { timelineOf, type RoundSpec, type VariantSpec } from '../scenarios/spec.js';

/** The preflight found problems: one line each, exit 3 (the machine cannot run it). */
export class PreflightError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

const RENDERS_AT_ONCE = 2;

/** One variant of the run, rendered once: the preflight reads it and the runner brings it up. */
export interface PlannedRun extends PlannedVariant {
  round: RoundSpec;
  variant: VariantSpec;
}

/**
 * Renders every variant (kubectl's kustomize). A renderer that cannot run is a problem, not an
 * error: a missing kubectl is one line for the run, not one per variant. A manifest the API would
 * refuse (ManifestError) ends the run at once as bad input.
 */
export async function planRun(selection: ReadonlyArray<{ round: RoundSpec; variants: readonly VariantSpec[] }>, seed: number): Promise<{ runs: PlannedRun[]; problems: string[] }> {
  const wanted = selection.flatMap(({ round, variants }) => variants.map((variant) => ({ round, variant, label: `round ${round.round} ${variant.name}` })));
  // Two kubectl processes at a time: the demo's 16 renders take half as long on 2 cores.
  const rendered: Array<K8sObject[] | PlatformError> = [];
  for (let i = 0; i < wanted.length; i += RENDERS_AT_ONCE) {
    const batch = wanted.slice(i, i + RENDERS_AT_ONCE).map(({ round, variant }) =>
      renderVariant(PROJECT_ROOT, round, variant, seed).catch((err: unknown) => {
        // A manifest the API would refuse is bad input (exit 2), not the machine's problem.
        if (err instanceof PlatformError && !(err instanceof ManifestError)) return err;
        throw err;
      }),
    );
    rendered.push(...(await Promise.all(batch)));
  }
  const runs: PlannedRun[] = [];
  const failures = new Map<string, string[]>();
  const total = wanted.length;
  for (const [i, { round, variant, label }] of wanted.entries()) {
    const objects = rendered[i];
    if (objects instanceof PlatformError) {
      const message = objects.message.split('\n')[0];
      failures.set(message, [...(failures.get(message) ?? []), label]);
    } else runs.push({ round, variant, label, objects, pods: podsCreated(round, variant, objects) });
  }
  // The same failure in every variant (no kubectl) is said once, without the list.
  const problems = [...failures].map(([message, labels]) => (labels.length === total && total > 1 ? message : `${labels.join(', ')}: ${message}`));
  return { runs, problems };
}

/**
 * How many pods the variant creates from start to end: every Deployment's replicas, then each
 * rollout restart's new pods and each scale-up's. Pods are never created otherwise in a run (a
 * restarted container keeps its pod), so this is the number of pod addresses it takes.
 */
export function podsCreated(round: RoundSpec, variant: VariantSpec, objects: K8sObject[]): number {
  const names = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
  const replicas = replicasOf(objects, names);
  let created = [...replicas.values()].reduce((a, b) => a + b, 0);
  for (const step of timelineOf(round, variant)) {
    const now = replicas.get('deployment' in step ? step.deployment : '') ?? 0;
    if (step.action === 'rolloutRestart') created += now;
    if (step.action === 'scale') {
      created += Math.max(0, step.replicas - now);
      replicas.set(step.deployment, step.replicas);
    }
  }
  return created;
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir can loop forever where a parent refuses
 * with ENOENT (under /proc), and a preflight must answer.
 */
async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || path.dirname(dir) === dir) throw err;
    await makeDirs(path.dirname(dir));
    await mkdir(dir).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

/** Whether the reports (and a failed run's logs) can be written there: the problem, or undefined. */
export async function reportsProblem(dir: string): Promise<string | undefined> {
  const probe = path.join(dir, `.lab-write-check-${process.pid}`);
  try {
    await makeDirs(dir);
    await writeFile(probe, 'x'.repeat(4096));
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return `reports directory ${dir} is not writable (${code}): the run's results would be lost; choose another with --reports DIR`;
  } finally {
    // Where the directory could not be made, neither can the probe be removed: nothing to undo.
    await rm(probe, { force: true }).catch(() => undefined);
  }
}
