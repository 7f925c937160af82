#!/usr/bin/env node
// The lab's command line: list the rounds, run them on a platform, render what they apply.
// Exit codes: 0 every verdict holds, 1 a verdict failed, 2 bad input, 3 the platform failed,
// 4 an unexpected error (a bug: set LAB_DEBUG=1 for the stack), 130 interrupted.
import { PlatformError } from '../platforms/platform.js';
import { renderText } from '../platforms/render.js';
import { choosePlatform } from '../platforms/select.js';
import { writeJsonReport } from '../report/json.js';
import { writeHtmlReport, writeIndex } from '../report/html.js';
import { writeJUnitReport } from '../report/junit.js';
import type { RunResult, VerdictResult } from '../report/result-schema.js';
import { formatComparison, formatRun, table } from '../report/terminal.js';
import { formatMeasured } from '../measure/verdicts.js';
import { ROUNDS, UnknownScenarioError, findRound, findVariant } from '../scenarios/index.js';
import { REPO_ROOT } from '../scenarios/root.js';
import { ACCOUNTING_VERDICT, runVariant } from '../scenarios/runner.js';
import { overlayDir, plannedSeconds, timelineOf, type RoundSpec } from '../scenarios/spec.js';
import { USAGE, UsageError, parseCommand, type Command } from './args.js';
import { createPlatform } from './platforms.js';
import { ViewUnavailableError, startTrainer, type TrainerSession } from './trainer.js';
import path from 'node:path';

export const EXIT = { ok: 0, verdictFailed: 1, badInput: 2, platformFailed: 3, bug: 4, interrupted: 130 } as const;

type Out = (line: string) => void;

function list(out: Out): number {
  const rows = ROUNDS.flatMap((r) =>
    r.variants.map((v, i) => [
      i === 0 ? `${r.round} ${r.name}` : '',
      v.name,
      v.role,
      `~${plannedSeconds(timelineOf(r, v))} s`,
      i === 0 ? r.title : '',
    ]),
  );
  out(table([['round', 'variant', 'role', 'timeline', 'title'], ...rows], ''));
  return EXIT.ok;
}

async function render(cmd: Extract<Command, { command: 'render' }>, out: Out): Promise<number> {
  const round = findRound(cmd.round);
  findVariant(round, cmd.variant);
  out((await renderText(path.join(REPO_ROOT, overlayDir(round, cmd.variant)))).trimEnd());
  return EXIT.ok;
}

function measuredFormatter(round: RoundSpec, variant: string): (v: VerdictResult) => string {
  const specs = [...findVariant(round, variant).verdicts, ACCOUNTING_VERDICT];
  return (v) => {
    const spec = specs.find((s) => s.name === v.name);
    return spec ? formatMeasured(spec, v.measured) : String(v.measured);
  };
}

/** LAB_LOCAL_OCTET=N puts a local lab on 127.N.0.0/16 (default 10), so two labs can share a machine. */
function localOctet(): number | undefined {
  const raw = process.env.LAB_LOCAL_OCTET;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 254) throw new UsageError(`LAB_LOCAL_OCTET=${raw}: expected a whole number from 1 to 254`);
  return n;
}

async function run(cmd: Extract<Command, { command: 'run' }>, out: Out): Promise<number> {
  const round = findRound(cmd.round);
  const variants = cmd.variant === undefined ? round.variants : [findVariant(round, cmd.variant)];
  const choice = await choosePlatform(cmd.platform, undefined, { context: cmd.context });
  out(`platform ${choice.name} (${choice.reason})`);
  const trainer: TrainerSession | null = cmd.ui || cmd.step ? await startTrainer({ web: cmd.ui, step: cmd.step }) : null;
  if (trainer?.url) out(`live dashboard: ${trainer.url}`);
  const abort = new AbortController();
  // First Ctrl-C: stop the timeline and tear down. Second: exit at once (the platform's exit hook
  // still kills every process it started).
  const onSigint = (): void => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted);
    out('interrupted: tearing down (Ctrl-C again to exit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const results: RunResult[] = [];
  try {
    for (const variant of variants) {
      abort.signal.throwIfAborted();
      out(`\n== round ${round.round} (${round.name}), variant ${variant.name}: ${variant.summary}`);
      const platform = createPlatform(choice.name, { seed: cmd.seed, context: cmd.context, yes: cmd.yes, image: cmd.image, octet: localOctet() });
      const result = await runVariant({
        platform,
        round,
        variant,
        seed: cmd.seed,
        root: REPO_ROOT,
        views: trainer ? [trainer.view] : [],
        gate: trainer?.gate ?? undefined,
        signal: abort.signal,
        log: (line) => out(`   ${line}`),
      });
      results.push(result);
      out(formatRun(result, measuredFormatter(round, variant.name)));
      const files = [
        await writeJsonReport(result, cmd.reports),
        await writeJUnitReport(result, cmd.reports),
        await writeHtmlReport(result, cmd.reports),
      ];
      out(`  reports: ${files.join(', ')}`);
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await trainer?.close();
  }
  if (results.length > 0) await writeIndex(cmd.reports);
  if (results.length > 1) out(`\n${formatComparison(results)}`);
  return results.every((r) => r.pass) ? EXIT.ok : EXIT.verdictFailed;
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
