// The one way the cluster platform runs a command: argv in, stdout out, one clear line on failure.
// It is a seam: tests put a recording runner in its place and assert the exact commands issued.
import { execa } from 'execa';
import { firstLine } from '../../lib/text.js';
import { PlatformError } from '../platform.js';

export interface CommandOptions {
  /** Written to the command's stdin (kubectl apply -f -). */
  input?: string;
  timeoutMs?: number;
}

export interface CommandRunner {
  /** Runs argv[0] with the rest as arguments; resolves with stdout, rejects with a PlatformError. */
  run(argv: readonly string[], opts?: CommandOptions): Promise<string>;
}

const INSTALL_HINTS: Record<string, string> = {
  kubectl: 'install kubectl >= 1.29: https://kubernetes.io/docs/tasks/tools/',
  kind: 'install kind >= 0.23: https://kind.sigs.k8s.io/docs/user/quick-start/#installation',
  docker: 'install Docker: https://docs.docker.com/engine/install/',
};

/** "kubectl rollout status deployment/service-b": the words of a command, without its flags. */
export function describeCommand(argv: readonly string[]): string {
  return argv.filter((a) => !a.startsWith('-')).slice(0, 4).join(' ');
}

export const execaRunner: CommandRunner = {
  async run(argv, opts = {}) {
    const [file, ...args] = argv;
    if (file === undefined) throw new PlatformError('no command to run');
    const result = await execa(file, args, { input: opts.input ?? '', timeout: opts.timeoutMs, reject: false });
    if (!result.failed) return result.stdout;
    if (result.code === 'ENOENT') throw new PlatformError(`${file} not found: ${INSTALL_HINTS[file] ?? 'install it'}`);
    if (result.timedOut) throw new PlatformError(`${describeCommand(argv)} timed out after ${opts.timeoutMs} ms`);
    const why = firstLine(result.stderr) || firstLine(result.stdout) || `exit code ${result.exitCode}`;
    throw new PlatformError(`${describeCommand(argv)} failed: ${why}`);
  },
};
