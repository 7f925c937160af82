// Which platform a run uses. `auto` takes the kind cluster when its context exists and its API
// server answers, and the embedded local platform otherwise; the reason is the run's first line.
import { PlatformError } from './platform.js';
import { LAB_CONTEXT } from './kind/safety.js';
import { execaRunner, type CommandRunner } from './kind/runner.js';

export type PlatformName = 'local' | 'kind';
export type PlatformRequest = 'auto' | PlatformName;

export interface PlatformChoice {
  name: PlatformName;
  /** One sentence for a person, e.g. "kind: context kind-grpc-lab answers". */
  reason: string;
}

/** What choosePlatform asks of the outside world. */
export interface PlatformProbe {
  /** Context names in the kubeconfig; rejects with a PlatformError when kubectl is missing. */
  contexts(): Promise<string[]>;
  /** Whether the context's API server answers within a few seconds. */
  answers(context: string): Promise<boolean>;
}

export const ANSWER_TIMEOUT_S = 3;

export function kubectlProbe(runner: CommandRunner = execaRunner): PlatformProbe {
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

export interface ChooseOptions {
  /** --context NAME: the cluster to use instead of kind-grpc-lab; `auto` then means kind. */
  context?: string;
}

/** Why the named cluster cannot be used, or undefined when it answers. */
async function unusable(probe: PlatformProbe, context: string): Promise<string | undefined> {
  let contexts: string[];
  try {
    contexts = await probe.contexts();
  } catch (err) {
    return err instanceof PlatformError ? err.message : `kubectl config get-contexts failed: ${(err as Error).message}`;
  }
  if (!contexts.includes(context)) return `no ${context} context${context === LAB_CONTEXT ? ' (make cluster creates it)' : ' in kubeconfig'}`;
  if (!(await probe.answers(context))) return `context ${context} does not answer within ${ANSWER_TIMEOUT_S} s (is Docker running? make cluster-down && make cluster recreates it)`;
  return undefined;
}

export async function choosePlatform(
  requested: PlatformRequest,
  probe: PlatformProbe = kubectlProbe(),
  opts: ChooseOptions = {},
): Promise<PlatformChoice> {
  if (requested === 'local') return { name: 'local', reason: 'local: asked for with --platform local' };
  const context = opts.context ?? LAB_CONTEXT;
  const why = await unusable(probe, context);
  if (why === undefined) return { name: 'kind', reason: `kind: context ${context} answers` };
  if (requested === 'kind' || opts.context !== undefined) throw new PlatformError(`kind: ${why}`);
  return { name: 'local', reason: `local: ${why}` };
}
