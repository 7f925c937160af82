// Which platform a run uses, and the sentence that says why: the registry with the two built-in
// platforms, the cluster's detection given a probe that answers as told.
import { describe, expect, it } from 'vitest';
import { PlatformError } from '../scripts/platforms/platform.js';
import { clusterProvider } from '../scripts/platforms/cluster/provider.js';
import { kubectlProbe, type ContextProbe } from '../scripts/platforms/cluster/detect.js';
import { localProvider } from '../scripts/platforms/local/provider.js';
import { PlatformRegistry, type PlatformChoice } from '../scripts/platforms/registry.js';
import { RecordingRunner } from './helpers/recording-runner.js';

function probe(contexts: string[] | Error, answering: string[] = contexts instanceof Error ? [] : contexts): ContextProbe & { asked: string[] } {
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

/** The built-in platforms, in the built-in order, with the cluster's probe answering as told. */
function registry(p: ContextProbe): PlatformRegistry {
  return new PlatformRegistry([clusterProvider(p), localProvider]);
}

function choosePlatform(requested: string, p: ContextProbe, opts: { context?: string } = {}): Promise<PlatformChoice> {
  return registry(p).choose(requested, opts);
}

describe('choosing a platform', () => {
  it('auto: the cluster when kind-grpc-lab exists and answers, acting on that context', async () => {
    expect(await choosePlatform('auto', probe(['prod', 'kind-grpc-lab']))).toEqual({
      name: 'cluster',
      reason: 'cluster: context kind-grpc-lab answers',
      settled: { context: 'kind-grpc-lab' },
    });
  });

  it('auto and cluster: the lab\'s own node first, kind when the node does not answer', async () => {
    const both = probe(['kind-grpc-lab', 'grpc-lab-node']);
    expect((await choosePlatform('auto', both)).settled).toEqual({ context: 'grpc-lab-node' });
    expect(both.asked).toEqual(['grpc-lab-node']);
    const nodeSilent = probe(['kind-grpc-lab', 'grpc-lab-node'], ['kind-grpc-lab']);
    expect(await choosePlatform('cluster', nodeSilent)).toEqual({ name: 'cluster', reason: 'cluster: context kind-grpc-lab answers', settled: { context: 'kind-grpc-lab' } });
    expect(nodeSilent.asked).toEqual(['grpc-lab-node', 'kind-grpc-lab']);
    await expect(choosePlatform('cluster', probe(['kind-grpc-lab', 'grpc-lab-node'], []))).rejects.toThrow(
      'cluster: context grpc-lab-node does not answer within 3 s (make cluster CLUSTER=node starts it); context kind-grpc-lab does not answer within 3 s (is Docker running? make cluster-down && make cluster recreates it)',
    );
  });

  it('a context that refuses at once is said so, in kubectl\'s words, with a hint only for the lab\'s own clusters', async () => {
    const refusing = (contexts: string[]): ContextProbe => ({
      contexts: async () => contexts,
      answers: async () => 'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?',
    });
    await expect(choosePlatform('cluster', refusing(['staging']), { context: 'staging' })).rejects.toThrow(
      new PlatformError('cluster: context staging does not answer: The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?'),
    );
    await expect(choosePlatform('cluster', refusing(['grpc-lab-node']))).rejects.toThrow(
      new PlatformError('cluster: context grpc-lab-node does not answer: The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port? (make cluster CLUSTER=node starts it)'),
    );
  });

  it('auto: local, saying why, when the context is missing, silent, or kubectl is missing', async () => {
    expect(await choosePlatform('auto', probe(['prod']))).toEqual({
      name: 'local',
      reason: 'local: no grpc-lab-node or kind-grpc-lab context (make cluster creates kind-grpc-lab)',
      settled: {},
    });
    expect(await choosePlatform('auto', probe(['kind-grpc-lab'], []))).toEqual({
      name: 'local',
      reason: 'local: context kind-grpc-lab does not answer within 3 s (is Docker running? make cluster-down && make cluster recreates it)',
      settled: {},
    });
    const noKubectl = new PlatformError('kubectl not found: install kubectl >= 1.29: https://kubernetes.io/docs/tasks/tools/');
    expect(await choosePlatform('auto', probe(noKubectl))).toEqual({ name: 'local', reason: `local: ${noKubectl.message}`, settled: {} });
  });

  it('local: never asks the cluster', async () => {
    const p = probe(new Error('must not be called'));
    expect(await choosePlatform('local', p)).toEqual({ name: 'local', reason: 'local: asked for with --platform local', settled: {} });
    expect(p.asked).toEqual([]);
  });

  it('cluster, or kind as before: fails clearly when the cluster is missing or silent', async () => {
    await expect(choosePlatform('kind', probe(['prod']))).rejects.toThrow(
      new PlatformError('cluster: no grpc-lab-node or kind-grpc-lab context (make cluster creates kind-grpc-lab)'),
    );
    await expect(choosePlatform('kind', probe(['kind-grpc-lab'], []))).rejects.toThrow(/^cluster: context kind-grpc-lab does not answer/);
    expect(await choosePlatform('kind', probe(['kind-grpc-lab']))).toMatchObject({ name: 'cluster', reason: 'cluster: context kind-grpc-lab answers' });
    expect(await choosePlatform('cluster', probe(['kind-grpc-lab']))).toMatchObject({ name: 'cluster', reason: 'cluster: context kind-grpc-lab answers' });
  });

  it('--context NAME: probes that context, and auto then means the cluster', async () => {
    const p = probe(['kind-grpc-lab', 'staging']);
    expect(await choosePlatform('auto', p, { context: 'staging' })).toEqual({ name: 'cluster', reason: 'cluster: context staging answers', settled: { context: 'staging' } });
    expect(p.asked).toEqual(['staging']);
    await expect(choosePlatform('auto', probe(['kind-grpc-lab']), { context: 'staging' })).rejects.toThrow('cluster: no staging context in kubeconfig');
  });

  it('knows every name and alias once, and refuses a name already taken', () => {
    const r = registry(probe([]));
    expect(r.words()).toEqual(['cluster', 'kind', 'local', 'auto']);
    expect(r.describe()).toBe('cluster (or kind), local');
    expect(r.find('kind')?.name).toBe('cluster');
    expect(r.find('mars')).toBeUndefined();
    expect(() => r.register({ ...localProvider, name: 'other', aliases: ['kind'] })).toThrow('platform name "kind" is already taken');
  });

  it('builds the platform with what detection settled', async () => {
    const r = registry(probe(['grpc-lab-node']));
    const choice = await r.choose('auto');
    const platform = r.create(choice, { seed: 3 });
    expect(platform.name).toBe('cluster');
    expect(platform.info.dnsCacheSeconds).toBe(30);
    expect(r.create(await r.choose('local'), { seed: 3 }).info.dnsCacheSeconds).toBe(0);
  });
});

describe('kubectlProbe', () => {
  it('lists contexts and asks the API server for its version within 3 s: silent is false, a refusal is kubectl\'s line', async () => {
    const runner = new RecordingRunner((argv) =>
      argv.includes('get-contexts')
        ? 'kind-grpc-lab\nprod\nstaging\n'
        : argv.includes('--context=prod')
          ? new PlatformError('kubectl version timed out after 8000 ms')
          : argv.includes('--context=staging')
            ? new PlatformError('kubectl version failed: The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?')
            : '{}',
    );
    const p = kubectlProbe(runner);
    expect(await p.contexts()).toEqual(['kind-grpc-lab', 'prod', 'staging']);
    expect(await p.answers('kind-grpc-lab')).toBe(true);
    expect(await p.answers('prod')).toBe(false);
    expect(await p.answers('staging')).toBe('The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?');
    expect(runner.calls.map((c) => c.argv)).toEqual([
      ['kubectl', 'config', 'get-contexts', '--output=name'],
      ['kubectl', '--context=kind-grpc-lab', 'version', '--request-timeout=3s', '--output=json'],
      ['kubectl', '--context=prod', 'version', '--request-timeout=3s', '--output=json'],
      ['kubectl', '--context=staging', 'version', '--request-timeout=3s', '--output=json'],
    ]);
  });
});
