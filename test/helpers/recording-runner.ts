// Stands in for the cluster platform's command runner: records every command instead of running
// it and answers from a function, so a test can assert the exact commands each step issues.
import type { CommandOptions, CommandRunner } from '../../scripts/platforms/cluster/runner.js';

export interface RecordedCommand {
  argv: string[];
  input?: string;
}

/** Replies to a command: its stdout, or an Error to throw. */
export type Reply = (argv: readonly string[]) => string | Error;

/** Records every command instead of running it, and answers from `reply`. */
export class RecordingRunner implements CommandRunner {
  readonly calls: RecordedCommand[] = [];
  /** Each call's timeout, in the order of `calls` (undefined: the command had no bound). */
  readonly timeouts: Array<number | undefined> = [];

  constructor(private readonly reply: Reply = () => '') {}

  async run(argv: readonly string[], opts: CommandOptions = {}): Promise<string> {
    this.timeouts.push(opts.timeoutMs);
    this.calls.push(opts.input === undefined ? { argv: [...argv] } : { argv: [...argv], input: opts.input });
    const answer = this.reply(argv);
    if (answer instanceof Error) throw answer;
    return answer;
  }
}
