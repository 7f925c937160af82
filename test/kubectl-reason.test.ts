// kubectl's failures on one line that carries the reason: klog's quoted `err="..."`, its multi-line
// `err=<` block (where kustomize's useful words are), and plain `error:` lines; then the real thing,
// a kustomize error that spans several lines, through renderOverlay.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubectlReason } from '../scripts/platforms/kubectl-reason.js';
import { ManifestError } from '../scripts/platforms/manifest-error.js';
import { renderOverlay, renderText } from '../scripts/platforms/render.js';
import { PROJECT_ROOT } from './helpers/processes.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** An overlay over the real base with one strategic-merge patch of service-b. */
async function patchedOverlay(patch: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grpc-lab-kustomize-'));
  dirs.push(dir);
  const base = JSON.stringify(path.relative(dir, path.join(PROJECT_ROOT, 'k8s/base')));
  await writeFile(path.join(dir, 'kustomization.yaml'), `resources: [${base}]\npatches:\n  - path: patch.yaml\n`);
  await writeFile(path.join(dir, 'patch.yaml'), `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: service-b}\n${patch}`);
  return dir;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('kubectlReason', () => {
  it('reads a multi-line klog block whole, not its first line', () => {
    const stderr = [
      'E1130 03:03:10.447130    8916 run.go:72] "command failed" err=<',
      '\twrong node kind: expected SequenceNode but got ScalarNode: node contents:',
      '\t3',
      ' >',
      '',
    ].join('\n');
    expect(kubectlReason(stderr)).toBe('wrong node kind: expected SequenceNode but got ScalarNode: node contents: 3');
  });

  it('unquotes a one-line klog reason, escapes included', () => {
    const stderr = 'E1130 03:03:03.503951    8850 run.go:72] "command failed" err="invalid Kustomization: json: unknown field \\"resourcez\\""\n';
    expect(kubectlReason(stderr)).toBe('invalid Kustomization: json: unknown field "resourcez"');
    expect(kubectlReason('E0101 00:00:00.0 1 run.go:72] "command failed" err="first\\nsecond"')).toBe('first second');
  });

  it('skips warnings before the error, takes `error:` lines, and says when there is nothing', () => {
    expect(kubectlReason('Warning: something old\nerror: the path "x" does not exist\n')).toBe('the path "x" does not exist');
    expect(kubectlReason('just a line\n')).toBe('just a line');
    expect(kubectlReason('\n \n')).toBe('failed with no message');
    expect(kubectlReason('E0101 00:00:00.0 1 run.go:72] "command failed" err=<\n >\n')).toBe('failed with no message');
  });

  it('keeps a long block to one line of bounded length', () => {
    const block = ['E0101 00:00:00.0 1 run.go:72] "command failed" err=<', ...Array.from({ length: 200 }, (_, i) => `\tline ${i} of a long YAML dump`), ' >'];
    const reason = kubectlReason(block.join('\n'));
    expect(reason).toMatch(/^line 0 of a long YAML dump line 1 /);
    expect(reason.length).toBeLessThanOrEqual(400);
    expect(reason.endsWith('...')).toBe(true);
    expect(reason).not.toContain('\n');
  });
});

describe('a kustomize error that spans several lines', () => {
  it('is one ManifestError line with kustomize\'s reason, from renderOverlay and renderText alike', async () => {
    const dir = await patchedOverlay('spec: {template: {spec: {containers: 3}}}\n');
    for (const render of [renderOverlay, renderText]) {
      const err = await failure(render(dir));
      expect(err).toBeInstanceOf(ManifestError);
      expect(err.message).toBe(`kubectl kustomize ${dir}: wrong node kind: expected SequenceNode but got ScalarNode: node contents: 3`);
    }
  });

  it('a patch kustomize accepts but the API would refuse is caught by the schema check, for renderText too', async () => {
    const dir = await patchedOverlay('spec: {template: {spec: {contaners: [{name: b}]}}}\n');
    for (const render of [renderOverlay, renderText]) {
      const err = await failure(render(dir));
      expect(err).toBeInstanceOf(ManifestError);
      expect(err.message).toBe(`${dir}: Deployment service-b: spec.template.spec.contaners: unknown field (did you mean "containers"?)`);
    }
  });
});
