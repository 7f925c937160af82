// The one path from collected data to verdicts, for the live views (every second, on the run so
// far) and for the final result (once, after the drain): the same windows, figures and verdicts,
// so a verdict a trainer watched turn red cannot come out green in the report.
import type { Figures } from '../model/figures.js';
import type { Accounting, VerdictResult } from '../model/result.js';
import type { TableRowSpec, VerdictSpec, WindowSpec } from '../model/spec.js';
import type { PlatformTraits } from '../model/traits.js';
import { computeAccounting, computeFigures } from './figures.js';
import type { RunData, TimeRange } from './run-data.js';
import { computeTable, type MeasuredTable } from './table.js';
import { evaluateVerdicts } from './verdicts.js';
import { resolveWindows } from './windows.js';

export interface EvaluationInput {
  data: RunData;
  windows: Record<string, WindowSpec>;
  verdicts: VerdictSpec[];
  traits: PlatformTraits;
  /** Round 5's table, read in the final evaluation only. */
  table?: TableRowSpec[];
  /**
   * Live: the run so far; a window whose marks are not set yet is skipped, and so are the
   * verdicts that read it. Final: every window must resolve.
   */
  final: boolean;
}

export interface Evaluation {
  ranges: Record<string, TimeRange>;
  figures: Record<string, Figures>;
  accounting: Accounting;
  table?: MeasuredTable;
  verdicts: VerdictResult[];
}

export class EvaluationError extends Error {}

export function evaluateRun(input: EvaluationInput): Evaluation {
  const { data } = input;
  const ranges = resolveWindows(input.windows, data);
  if (input.final) {
    for (const name of Object.keys(input.windows)) {
      if (!ranges[name]) throw new EvaluationError(`window "${name}" is empty or its marks were never set`);
    }
  }
  const figures = Object.fromEntries(Object.entries(ranges).map(([name, range]) => [name, computeFigures(data, range)]));
  const judged = input.verdicts.filter((v) => figures[v.window ?? 'main'] && (v.relativeTo === undefined || figures[v.relativeTo]));
  // Each process's lag from load start: A's start-up, before t0, is no part of any window.
  const accounting = computeAccounting(data.clients, { from: data.t0, to: Infinity });
  const table = input.final && input.table ? computeTable(input.table, data, ranges) : undefined;
  const verdicts = evaluateVerdicts(input.final ? input.verdicts : judged, { traits: input.traits, figures, run: { accounting, table } });
  return { ranges, figures, accounting, ...(table ? { table } : {}), verdicts };
}
