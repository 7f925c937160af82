// Ctrl-C (SIGINT) or SIGTERM of the orchestrator: tear the lab down, then exit with the signal's
// conventional status (130 for SIGINT, 143 for SIGTERM). A second signal exits at once; the
// platform's exit hook and watchdog still kill every pod (see child-guard.ts).

export interface TeardownOptions {
  /** One line for the person at the terminal (default: stderr). */
  log?: (line: string) => void;
  /** Longest wait for down() before exiting anyway (default 10 s). */
  timeoutMs?: number;
  exit?: (code: number) => void;
}

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Installs the handlers; returns a function that removes them. */
export function installSignalTeardown(platform: { down(): Promise<void> }, opts: TeardownOptions = {}): () => void {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    const code = EXIT_CODES[signal] ?? 1;
    if (stopping) return exit(code);
    stopping = true;
    log(`${signal}: tearing the local lab down (again to exit at once)`);
    setTimeout(() => exit(code), opts.timeoutMs ?? 10_000).unref();
    platform.down().then(
      () => exit(code),
      (err: Error) => {
        log(`tear-down failed: ${err.message.split('\n')[0]}`);
        exit(code);
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
