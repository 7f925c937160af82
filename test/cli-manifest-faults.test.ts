// Faults injected into a real overlay, through the lab's command line: a mistyped field, a value of
// the wrong type and a kustomize error each end `lab run` with exit 2 and one line that names the
// problem, before a platform is chosen or any pod starts. The project root is pointed at a copy of
// k8s/ so that the faults never touch the real manifests.
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../services/shared/project-root.js', async () => {
  const { mkdtempSync } = await import('node:fs');
  const os = await import('node:os');
  const p = await import('node:path');
  return { PROJECT_ROOT: mkdtempSync(p.join(os.tmpdir(), 'lab-manifest-faults-')) };
});

const { PROJECT_ROOT: COPY } = await import('../services/shared/project-root.js');
const { main } = await import('../scripts/cli/lab.js');
const { platforms } = await import('../scripts/platforms/index.js');
const { LOCAL_TRAITS } = await import('../scripts/platforms/local/traits.js');
const { ManifestError } = await import('../scripts/platforms/manifest-error.js');
const { runVariant } = await import('../scripts/scenarios/runner.js');
const { round3 } = await import('../scripts/scenarios/round-3-constraint.js');

const REAL_ROOT = fileURLToPath(new URL('..', import.meta.url));
const OVERLAY = 'k8s/scenarios/3-constraint/headless';
const KUSTOMIZATION = path.join(COPY, OVERLAY, 'kustomization.yaml');
const BASE_A = path.join(COPY, 'k8s/base/service-a-deployment.yaml');

/** Every call a platform got: a run that failed its manifests must leave this empty. */
const calls: string[] = [];
const recorder = {
  name: 'recorder',
  info: LOCAL_TRAITS,
  up: async () => void calls.push('up'),
  rolloutRestart: async () => void calls.push('rolloutRestart'),
  waitForRollout: async () => void calls.push('waitForRollout'),
  scale: async () => void calls.push('scale'),
  pods: async () => (calls.push('pods'), []),
  onEvent: () => (calls.push('onEvent'), () => {}),
  events: () => [],
  httpGet: async () => (calls.push('httpGet'), ''),
  clusterInfo: async () => ({ provider: 'other' as const, serverVersion: null, context: null }),
  collectLogs: async () => (calls.push('collectLogs'), []),
  down: async () => void calls.push('down'),
};

platforms.register({
  name: 'recorder',
  aliases: [],
  info: LOCAL_TRAITS,
  detect: async () => (calls.push('detect'), { usable: true, why: 'registered by the test' }),
  create: () => (calls.push('create'), recorder),
});

const originals = new Map<string, string>();
beforeAll(async () => {
  await cp(path.join(REAL_ROOT, 'k8s'), path.join(COPY, 'k8s'), { recursive: true });
  for (const file of [KUSTOMIZATION, BASE_A]) originals.set(file, await readFile(file, 'utf8'));
});
afterAll(() => rm(COPY, { recursive: true, force: true }));
beforeEach(async () => {
  calls.length = 0;
  for (const [file, text] of originals) await writeFile(file, text);
});

/** Replaces text in one of the copied manifests (the text must be there). */
async function inject(file: string, from: string, to: string): Promise<void> {
  const text = originals.get(file)!;
  expect(text).toContain(from);
  await writeFile(file, text.replace(from, to));
}

/**
 * A patch of B's pod spec in the headless overlay itself: its numbers come from the round's knobs
 * Component, so a fault there would break every variant of round 3, not only this one.
 */
const patchB = (podSpec: string): Promise<void> =>
  inject(
    KUSTOMIZATION,
    '  - ../../../components/headless\n',
    '  - ../../../components/headless\npatches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n' +
      '      metadata:\n        name: service-b\n      spec:\n        template:\n          spec:\n' +
      podSpec,
  );

/**
 * `value: 20` for A's DEADLINE_MS in the base. (In an overlay's patch kustomize's merge may quote a
 * number over a quoted value it replaces; a base file or a new entry keeps the number as written.)
 */
const wrongType = (): Promise<void> => inject(BASE_A, 'value: "2000"', 'value: 2000');

async function lab(...args: string[]): Promise<{ code: number; stderr: string[]; stdout: string[] }> {
  const stderr: string[] = [];
  const stdout: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  try {
    const code = await main(args, (line) => stdout.push(line));
    return { code, stderr: stderr.join('').trimEnd().split('\n'), stdout };
  } finally {
    spy.mockRestore();
  }
}

describe('lab run with a fault in its manifests', () => {
  it('runs the unchanged copy (the faults below are the only difference)', async () => {
    const { code, stdout } = await lab('render', '3', '--variant', 'headless');
    expect(code).toBe(0);
    expect(stdout.join('\n')).toContain('name: CAPACITY\n          value: "20"');
  });

  it('a mistyped field: exit 2, one line naming the object and the field, nothing started', async () => {
    await patchB('            contaners:\n              - name: b\n');
    const { code, stderr, stdout } = await lab('run', '3', '--variant', 'headless', '--platform', 'recorder');
    expect(code).toBe(2);
    expect(stderr).toEqual([
      `lab: invalid manifests: ${path.join(COPY, OVERLAY)}: Deployment service-b: spec.template.spec.contaners: unknown field (did you mean "containers"?)`,
    ]);
    expect({ stdout, calls }).toEqual({ stdout: [], calls: [] });
  });

  it('a value of the wrong type (a number for an env var): exit 2, one line with the path, nothing started', async () => {
    await wrongType();
    const { code, stderr, stdout } = await lab('run', '3', '--variant', 'headless', '--platform', 'recorder');
    expect(code).toBe(2);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^lab: invalid manifests: .*: Deployment service-a: spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.value: expected a string, got the number 2000$/);
    expect({ stdout, calls }).toEqual({ stdout: [], calls: [] });
  });

  it('a kustomize error that spans several lines: exit 2, one line with kustomize\'s reason, nothing started', async () => {
    await patchB('            containers: 3\n');
    const { code, stderr, stdout } = await lab('run', '3', '--variant', 'headless', '--platform', 'recorder');
    expect(code).toBe(2);
    expect(stderr).toEqual([
      `lab: invalid manifests: kubectl kustomize ${path.join(COPY, OVERLAY)}: wrong node kind: expected SequenceNode but got ScalarNode: node contents: 3`,
    ]);
    expect(stderr[0]).not.toContain('err=<');
    expect({ stdout, calls }).toEqual({ stdout: [], calls: [] });
  });

  it('every variant is checked before the first one runs: a fault in a later one stops the whole round', async () => {
    await patchB('            contaners:\n              - name: b\n');
    const { code, stderr, stdout } = await lab('run', '3', '--platform', 'recorder');
    expect(round3.variants.map((v) => v.name).indexOf('headless')).toBeGreaterThan(0);
    expect(code).toBe(2);
    expect(stderr).toEqual([expect.stringContaining(`${OVERLAY}: Deployment service-b: spec.template.spec.contaners: unknown field`)]);
    expect({ stdout, calls }).toEqual({ stdout: [], calls: [] });
  });

  it('lab render refuses the same manifests the same way', async () => {
    await wrongType();
    const { code, stderr, stdout } = await lab('render', '3', '--variant', 'headless');
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/^lab: invalid manifests: .*env\[\d+\]\.value: expected a string, got the number 2000$/);
    expect(stdout).toEqual([]);
  });

  it('the runner alone: a ManifestError before the platform is touched (no up, no logs, no tear-down)', async () => {
    await wrongType();
    const variant = round3.variants.find((v) => v.name === 'headless')!;
    await expect(runVariant({ platform: recorder, round: round3, variant, seed: 1, root: COPY, logsDir: path.join(COPY, 'logs') })).rejects.toBeInstanceOf(ManifestError);
    expect(calls).toEqual([]);
  });
});
