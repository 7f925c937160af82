// Whether a cluster can be used now: its context is in the kubeconfig and its API server answers
// within a few seconds. Without --context, the lab's own clusters are tried in order (its node
// first, then kind) and the first that answers is the one every variant of the run acts on.
import { PlatformError } from '../platform.js';
import type { Detection, DetectRequest } from '../registry.js';
import { execaRunner, type CommandRunner } from './runner.js';
import { KIND_CONTEXT, LAB_CONTEXTS, LAB_CONTEXTS_TEXT, MAKE_CLUSTER_HINT } from './safety.js';

/** What detection asks of the outside world. */
export interface ContextProbe {
  /** Context names in the kubeconfig; rejects with a PlatformError when kubectl is missing. */
  contexts(): Promise<string[]>;
  /** Whether the context's API server answers within a few seconds. */
  answers(context: string): Promise<boolean>;
}

export const ANSWER_TIMEOUT_S = 3;

export function kubectlProbe(runner: CommandRunner = execaRunner): ContextProbe {
  return {
    async contexts() {
      const out = await runner.run(['kubectl', 'config', 'get-contexts', '--output=name'], { timeoutMs: 10_000 });
      return out.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    },
    async answers(context) {
      try {
        await runner.run(['kubectl', `--context=${context}`, 'version', `--request-timeout=${ANSWER_TIMEOUT_S}s`, '--output=json'], {
          timeoutMs: (ANSWER_TIMEOUT_S + 5) * 1000,
        });
        return true;
      } catch {
        return false;
      }
    },
  };
}

function silent(context: string): string {
  const hint = context === KIND_CONTEXT ? ' (is Docker running? make cluster-down && make cluster recreates it)' : '';
  return `context ${context} does not answer within ${ANSWER_TIMEOUT_S} s${hint}`;
}

export async function detectCluster(probe: ContextProbe, ask: DetectRequest): Promise<Detection> {
  let contexts: string[];
  try {
    contexts = await probe.contexts();
  } catch (err) {
    return { usable: false, why: err instanceof PlatformError ? err.message : `kubectl config get-contexts failed: ${(err as Error).message}` };
  }
  const named = ask.context;
  const candidates = named !== undefined ? [named] : LAB_CONTEXTS.filter((c) => contexts.includes(c));
  if (candidates.length === 0 || (named !== undefined && !contexts.includes(named))) {
    return { usable: false, why: named === undefined ? `no ${LAB_CONTEXTS_TEXT} context (${MAKE_CLUSTER_HINT})` : `no ${named} context in kubeconfig` };
  }
  const silentOnes: string[] = [];
  for (const context of candidates) {
    if (await probe.answers(context)) return { usable: true, why: `context ${context} answers`, settled: { context } };
    silentOnes.push(silent(context));
  }
  return { usable: false, why: silentOnes.join('; ') };
}
