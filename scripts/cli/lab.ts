#!/usr/bin/env node
// The lab's command line: list the rounds, run them on a platform, render what they apply.
// Exit codes: 0 every verdict holds, 1 a verdict failed, 2 bad input, 3 the platform failed,
// 4 an unexpected error (a bug: set LAB_DEBUG=1 for the stack), 130 interrupted (143 on SIGTERM).
// A run starts with a preflight of everything it needs (preflight.ts): its problems, one line
// each, are exit 3 before any variant starts.
import path from 'node:path';
import { PROJECT_ROOT } from '../../services/shared/project-root.js';
import type { RunResult } from '../model/result.js';
import { platforms } from '../platforms/index.js';
import { ManifestError } from '../platforms/manifest-error.js';
import { PlatformError } from '../platforms/platform.js';
import type { PlatformChoice } from '../platforms/registry.js';
import { renderText } from '../platforms/render.js';
import { installSignalTeardown } from '../platforms/signal-teardown.js';
import { writeHtmlReport, writeIndex } from '../report/html.js';
import { reportBaseName, writeJsonReport } from '../report/json.js';
import { writeJUnitReport } from '../report/junit.js';
import { formatComparison, formatRun, table } from '../report/terminal.js';
import { ROUNDS, UnknownScenarioError, findRound, findVariant } from '../scenarios/index.js';
import { runVariant } from '../scenarios/runner.js';
import { overlayDir, plannedSeconds, timelineOf } from '../scenarios/spec.js';
import { USAGE, UsageError, parseCommand, type Command } from './args.js';
import { PreflightError, planRun, reportsProblem, type PlannedRun } from './preflight.js';
import { ViewUnavailableError, startTrainer, type TrainerSession } from './trainer.js';

export const EXIT = { ok: 0, verdictFailed: 1, badInput: 2, platformFailed: 3, bug: 4, interrupted: 130, terminated: 143 } as const;

type Out = (line: string) => void;

/** A signal ended the run; `code` is its exit status (130 for Ctrl-C, 143 for SIGTERM). */
class Interrupted extends Error {
  constructor(readonly code: number) {
    super('interrupted');
  }
}

function list(out: Out): number {
  // Timelines as the local platform runs them: a cluster's DNS cache lengthens some waits.
  const local = platforms.find('local')!.info;
  const rows = ROUNDS.flatMap((r) =>
    r.variants.map((v, i) => [
      i === 0 ? `${r.round} ${r.name}` : '',
      v.name,
      v.role,
      `~${plannedSeconds(timelineOf(r, v), local)} s`,
      i === 0 ? r.title : '',
    ]),
  );
  out(table([['round', 'variant', 'role', 'timeline', 'title'], ...rows], ''));
  return EXIT.ok;
}

async function render(cmd: Extract<Command, { command: 'render' }>, out: Out): Promise<number> {
  const round = findRound(cmd.round);
  findVariant(round, cmd.variant);
  out((await renderText(path.join(PROJECT_ROOT, overlayDir(round, cmd.variant)))).trimEnd());
  return EXIT.ok;
}

/** LAB_LOCAL_OCTET=N puts a local lab on 127.N.0.0/16 (default 10), so two labs can share a machine. */
function localOctet(): number | undefined {
  const raw = process.env.LAB_LOCAL_OCTET;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 254) throw new UsageError(`LAB_LOCAL_OCTET=${raw}: expected a whole number from 1 to 254`);
  return n;
}

type RunCommand = Extract<Command, { command: 'run' }>;

async function run(cmd: RunCommand, out: Out): Promise<number> {
  const selection = cmd.rounds.map((r) => {
    const round = findRound(r);
    return { round, variants: cmd.variant === undefined ? round.variants : [findVariant(round, cmd.variant)] };
  });
  const twice = selection.find((s, i) => selection.findIndex((t) => t.round === s.round) !== i);
  if (twice) throw new UsageError(`round ${twice.round.round} is given twice`);
  const octet = localOctet();
  // Flags that contradict each other are bad input, known before any cluster is contacted.
  const refusal = platforms.refuse(cmd.platform, { context: cmd.context, yes: cmd.yes, image: cmd.image, octet });
  if (refusal !== undefined) throw new UsageError(refusal);
  // Every variant's manifests first, before a platform is chosen or anything starts: one the API
  // would refuse is bad input (a ManifestError); a renderer that cannot run is a preflight problem.
  const planned = await planRun(selection, cmd.seed);
  const choice = await platforms.choose(cmd.platform, { context: cmd.context });
  out(`platform ${choice.name} (${choice.reason})`);
  const { runs, trainer } = await preflight(cmd, planned, choice, octet, out);
  if (trainer?.url) out(`live dashboard: ${trainer.url}`);
  const abort = new AbortController();
  let endInterrupted: (code: number) => void = () => {};
  const interrupted = new Promise<number>((resolve) => (endInterrupted = resolve));
  let running: Promise<RunResult[]> = Promise.resolve([]);
  // First signal: abort the variant under way, start-up included, and wait for its tear-down.
  // Second: exit at once (the local platform's exit hook still kills every process it started).
  const removeSignals = installSignalTeardown(
    { down: () => (abort.abort(), running.then(() => undefined, () => undefined)) },
    { log: out, what: 'everything the run started', timeoutMs: platforms.find(choice.name)!.info.timeouts.downMs + 10_000, done: endInterrupted },
  );
  let results: RunResult[];
  try {
    running = runVariants(cmd, runs, choice, trainer, abort.signal, out, octet);
    results = await running;
  } catch (err) {
    if (abort.signal.aborted) throw new Interrupted(await interrupted);
    throw err;
  } finally {
    removeSignals();
    await trainer?.close();
  }
  if (results.length > 0) await writeReports(cmd.reports, () => writeIndex(cmd.reports));
  return results.every((r) => r.pass) ? EXIT.ok : EXIT.verdictFailed;
}

/**
 * Everything the run needs, checked before its first variant: the manifests of every variant, the
 * reports directory, the platform's own checks and the dashboard's port. Any problem: every line
 * at once (PreflightError, exit 3), and nothing is left running.
 */
async function preflight(
  cmd: RunCommand,
  planned: Awaited<ReturnType<typeof planRun>>,
  choice: PlatformChoice,
  octet: number | undefined,
  out: Out,
): Promise<{ runs: PlannedRun[]; trainer: TrainerSession | null }> {
  const { runs } = planned;
  const problems = [...planned.problems];
  const reports = await reportsProblem(cmd.reports);
  if (reports) problems.push(reports);
  problems.push(...(await platforms.preflight(choice, runs, { seed: cmd.seed, context: cmd.context, yes: cmd.yes, image: cmd.image, octet })));
  let trainer: TrainerSession | null = null;
  try {
    trainer = cmd.ui || cmd.step ? await startTrainer({ web: cmd.ui, step: cmd.step }) : null;
  } catch (err) {
    // A taken dashboard port is the machine's, like any other port; a bad flag stays bad input.
    if (!(err instanceof ViewUnavailableError && err.machine)) throw err;
    problems.push(err.message);
  }
  if (problems.length > 0) {
    await trainer?.close();
    throw new PreflightError(problems);
  }
  out(`preflight: what ${runs.length === 1 ? 'the variant needs' : `the ${runs.length} variants need`} is here`);
  return { runs, trainer };
}

/** A report that cannot be written is the machine's problem, one line; the results were printed. */
async function writeReports<T>(dir: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw new PlatformError(`cannot write the reports to ${dir} (${code}): the results above were not saved`);
  }
}

async function runVariants(
  cmd: RunCommand,
  runs: readonly PlannedRun[],
  choice: PlatformChoice,
  trainer: TrainerSession | null,
  signal: AbortSignal,
  out: Out,
  octet: number | undefined,
): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const [index, { round, variant, objects }] of runs.entries()) {
    signal.throwIfAborted();
    out(`\n== round ${round.round} (${round.name}), variant ${variant.name}: ${variant.summary}`);
    const platform = platforms.create(choice, { seed: cmd.seed, context: cmd.context, yes: cmd.yes, image: cmd.image, octet });
    const result = await runVariant({
      platform,
      round,
      variant,
      seed: cmd.seed,
      objects,
      views: trainer ? [trainer.view] : [],
      gate: trainer?.gate ?? undefined,
      signal,
      log: (line) => out(`   ${line}`),
      logsDir: path.join(cmd.reports, `${reportBaseName({ round: round.round, variant: variant.name })}-logs`),
    });
    results.push(result);
    out(formatRun(result));
    const files = await writeReports(cmd.reports, async () => [
      await writeJsonReport(result, cmd.reports),
      await writeJUnitReport(result, cmd.reports),
      await writeHtmlReport(result, cmd.reports),
    ]);
    out(`  reports: ${files.join(', ')}`);
    // After a round's last variant: its comparison table, when it ran more than one.
    if (runs[index + 1]?.round !== round) {
      const ofRound = results.filter((r) => r.round === round.round);
      if (ofRound.length > 1) out(`\n${formatComparison(ofRound)}`);
    }
  }
  return results;
}

export async function main(argv: string[], out: Out = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const err: Out = (l) => process.stderr.write(`${l}\n`);
  try {
    const cmd = parseCommand(argv);
    if (cmd.command === 'help') return out(USAGE), EXIT.ok;
    if (cmd.command === 'list') return list(out);
    if (cmd.command === 'render') return await render(cmd, out);
    return await run(cmd, out);
  } catch (e) {
    const error = e as Error;
    if (error instanceof UsageError || error instanceof UnknownScenarioError || error instanceof ViewUnavailableError) {
      err(`lab: ${error.message}`);
      return EXIT.badInput;
    }
    if (error instanceof Interrupted) {
      err(`lab: ${error.code === EXIT.terminated ? 'terminated by SIGTERM' : 'interrupted'}; everything the run started was torn down`);
      return error.code;
    }
    if (error instanceof ManifestError) {
      err(`lab: invalid manifests: ${error.message.split('\n')[0]}`);
      return EXIT.badInput;
    }
    if (error instanceof PreflightError) {
      for (const problem of error.problems) err(`lab: cannot run: ${problem}`);
      return EXIT.platformFailed;
    }
    if (error instanceof PlatformError) {
      err(`lab: platform failed: ${error.message.split('\n')[0]}`);
      return EXIT.platformFailed;
    }
    if (error.name === 'AbortError') {
      err('lab: interrupted; everything the run started was torn down');
      return EXIT.interrupted;
    }
    err(`lab: unexpected error: ${String(error.message).split('\n')[0]} (LAB_DEBUG=1 shows where)`);
    if (process.env.LAB_DEBUG) err(String(error.stack));
    return EXIT.bug;
  }
}

// Run only as the program, not when a test imports main().
const invoked = process.argv[1] ?? '';
if (invoked.endsWith('lab.js') || invoked.endsWith('lab.ts') || invoked.endsWith('/lab')) {
  // Exit explicitly: a platform or view handle left open must not keep a finished run alive.
  process.exit(await main(process.argv.slice(2)));
}
