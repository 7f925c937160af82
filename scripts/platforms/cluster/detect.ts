// Whether a cluster can be used now: its context is in the kubeconfig and its API server answers
// within a few seconds. Without --context, the lab's own clusters are tried in order (its node
// first, then kind) and the first that answers is the one every variant of the run acts on.
import { PlatformError } from '../platform.js';
import type { Detection, DetectRequest } from '../registry.js';
import { execaRunner, type CommandRunner } from './runner.js';
import { KIND_CONTEXT, LAB_CONTEXTS, LAB_CONTEXTS_TEXT, MAKE_CLUSTER_HINT, NODE_CONTEXT } from './safety.js';

/** What detection asks of the outside world. */
export interface ContextProbe {
  /** Context names in the kubeconfig; rejects with a PlatformError when kubectl is missing. */
  contexts(): Promise<string[]>;
  /**
   * Whether the context's API server answers within a few seconds: true; false when it stays
   * silent; or why it failed at once (kubectl's line, e.g. a refused connection).
   */
  answers(context: string): Promise<boolean | string>;
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
      } catch (err) {
        // "kubectl version failed: The connection to the server ... was refused": kubectl's words.
        const message = (err as Error).message;
        if (/timed out/.test(message)) return false;
        return message.replace(/^kubectl version failed: /, '');
      }
    },
  };
}

/** What to do about a lab cluster that does not answer; nothing to say about anyone else's. */
const HINTS: Record<string, string> = {
  [KIND_CONTEXT]: ' (is Docker running? make cluster-down && make cluster recreates it)',
  [NODE_CONTEXT]: ' (make cluster CLUSTER=node starts it)',
};

/** Silent (no answer in time) or failed at once (a refused connection): each said as it is. */
function silent(context: string, why: false | string): string {
  const what = why === false ? `does not answer within ${ANSWER_TIMEOUT_S} s` : `does not answer: ${why}`;
  return `context ${context} ${what}${HINTS[context] ?? ''}`;
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
    const answer = await probe.answers(context);
    if (answer === true) return { usable: true, why: `context ${context} answers`, settled: { context } };
    silentOnes.push(silent(context, answer));
  }
  return { usable: false, why: silentOnes.join('; ') };
}
