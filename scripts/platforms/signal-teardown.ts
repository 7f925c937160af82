// Ctrl-C (SIGINT) or SIGTERM of the orchestrator: tear down what the lab started, then end with
// the signal's conventional status (130 for SIGINT, 143 for SIGTERM). A second signal ends at
// once; so does a tear-down that outlives its timeout. Behind that, the local platform's exit hook
// and watchdog still kill every pod (see local/child-guard.ts). The lab CLI and any program that
// drives a platform use this one handler.

export interface TeardownOptions {
  /** One line for the person at the terminal (default: stderr). */
  log?: (line: string) => void;
  /** What the first line says is being torn down. */
  what?: string;
  /** Longest wait for down() before ending anyway (default 10 s). */
  timeoutMs?: number;
  /** Called once down() has settled (default: exit). The lab CLI reports and exits through it. */
  done?: (code: number) => void;
  /** Ends the process at once: second signal, or down() past its timeout (default process.exit). */
  exit?: (code: number) => void;
}

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Installs the handlers; returns a function that removes them. */
export function installSignalTeardown(target: { down(): Promise<void> }, opts: TeardownOptions = {}): () => void {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const done = opts.done ?? exit;
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    const code = EXIT_CODES[signal] ?? 1;
    if (stopping) return exit(code);
    stopping = true;
    log(`${signal}: tearing down ${opts.what ?? 'the local lab'} (again to exit at once)`);
    const overdue = setTimeout(() => exit(code), opts.timeoutMs ?? 10_000).unref();
    target.down().then(
      () => {
        clearTimeout(overdue);
        done(code);
      },
      (err: Error) => {
        clearTimeout(overdue);
        log(`tear-down failed: ${err.message.split('\n')[0]}`);
        done(code);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
