// Which platform a run uses, and the sentence that says why, with a probe that answers as told.
import { describe, expect, it } from 'vitest';
import { PlatformError } from '../scripts/platforms/platform.js';
import { RecordingRunner } from './helpers/recording-runner.js';
import { choosePlatform, kubectlProbe, type PlatformProbe } from '../scripts/platforms/select.js';

function probe(contexts: string[] | Error, answering: string[] = contexts instanceof Error ? [] : contexts): PlatformProbe & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    contexts: async () => {
      if (contexts instanceof Error) throw contexts;
      return contexts;
    },
    answers: async (context) => {
      asked.push(context);
      return answering.includes(context);
    },
  };
}

describe('choosePlatform', () => {
  it('auto: kind when kind-grpc-lab exists and answers', async () => {
    expect(await choosePlatform('auto', probe(['prod', 'kind-grpc-lab']))).toEqual({ name: 'kind', reason: 'kind: context kind-grpc-lab answers' });
  });

  it('auto: local, saying why, when the context is missing, silent, or kubectl is missing', async () => {
    expect(await choosePlatform('auto', probe(['prod']))).toEqual({
      name: 'local',
      reason: 'local: no kind-grpc-lab context (make cluster creates it)',
    });
    expect(await choosePlatform('auto', probe(['kind-grpc-lab'], []))).toEqual({
      name: 'local',
      reason: 'local: context kind-grpc-lab does not answer within 3 s (is Docker running? make cluster-down && make cluster recreates it)',
    });
    const noKubectl = new PlatformError('kubectl not found: install kubectl >= 1.29: https://kubernetes.io/docs/tasks/tools/');
    expect(await choosePlatform('auto', probe(noKubectl))).toEqual({ name: 'local', reason: `local: ${noKubectl.message}` });
  });

  it('local: never asks the cluster', async () => {
    const p = probe(new Error('must not be called'));
    expect(await choosePlatform('local', p)).toEqual({ name: 'local', reason: 'local: asked for with --platform local' });
    expect(p.asked).toEqual([]);
  });

  it('kind: fails clearly when the cluster is missing or silent', async () => {
    await expect(choosePlatform('kind', probe(['prod']))).rejects.toThrow(new PlatformError('kind: no kind-grpc-lab context (make cluster creates it)'));
    await expect(choosePlatform('kind', probe(['kind-grpc-lab'], []))).rejects.toThrow(/^kind: context kind-grpc-lab does not answer/);
    expect(await choosePlatform('kind', probe(['kind-grpc-lab']))).toEqual({ name: 'kind', reason: 'kind: context kind-grpc-lab answers' });
  });

  it('--context NAME: probes that context, and auto then means kind', async () => {
    const p = probe(['kind-grpc-lab', 'staging']);
    expect(await choosePlatform('auto', p, { context: 'staging' })).toEqual({ name: 'kind', reason: 'kind: context staging answers' });
    expect(p.asked).toEqual(['staging']);
    await expect(choosePlatform('auto', probe(['kind-grpc-lab']), { context: 'staging' })).rejects.toThrow('kind: no staging context in kubeconfig');
  });
});

describe('kubectlProbe', () => {
  it('lists contexts and asks the API server for its version within 3 s', async () => {
    const runner = new RecordingRunner((argv) =>
      argv.includes('get-contexts') ? 'kind-grpc-lab\nprod\n' : argv.includes('--context=prod') ? new PlatformError('no answer') : '{}',
    );
    const p = kubectlProbe(runner);
    expect(await p.contexts()).toEqual(['kind-grpc-lab', 'prod']);
    expect(await p.answers('kind-grpc-lab')).toBe(true);
    expect(await p.answers('prod')).toBe(false);
    expect(runner.calls.map((c) => c.argv)).toEqual([
      ['kubectl', 'config', 'get-contexts', '--output=name'],
      ['kubectl', '--context=kind-grpc-lab', 'version', '--request-timeout=3s', '--output=json'],
      ['kubectl', '--context=prod', 'version', '--request-timeout=3s', '--output=json'],
    ]);
  });
});
