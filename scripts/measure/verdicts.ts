// Evaluates a variant's verdicts against the figures of their windows. A verdict whose value could
// not be measured fails: "no data" never passes for "no errors".
import type { VerdictResult } from '../report/result-schema.js';
import type { Comparison, PlatformName, VerdictSpec } from '../scenarios/spec.js';
import { forPlatform } from '../scenarios/spec.js';
import type { Figures } from './figures.js';
import { formatValue, metric, type RunFacts } from './metrics.js';

export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '>=':
      return value >= threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '<':
      return value < threshold;
    case '==':
      return value === threshold;
  }
}

export interface VerdictContext {
  platform: PlatformName;
  /** Figures by window name; `main` is the default window. */
  figures: Record<string, Figures>;
  run: RunFacts;
}

function read(spec: VerdictSpec, ctx: VerdictContext): number | null {
  const def = metric(spec.metric);
  const figuresOf = (w: string): Figures => {
    const f = ctx.figures[w];
    if (f === undefined) throw new Error(`verdict "${spec.name}" reads window "${w}", which the round does not define`);
    return f;
  };
  const value = def.read(figuresOf(spec.window ?? 'main'), ctx.run);
  if (spec.relativeTo === undefined || value === null) return value;
  const base = def.read(figuresOf(spec.relativeTo), ctx.run);
  return base === null || base === 0 ? null : Math.round((value / base) * 1000) / 1000;
}

export function evaluateVerdict(spec: VerdictSpec, ctx: VerdictContext): VerdictResult {
  const def = metric(spec.metric);
  const threshold = forPlatform(spec.threshold, ctx.platform);
  const measured = read(spec, ctx);
  const unit = spec.relativeTo === undefined ? def.unit : 'x';
  const where = spec.relativeTo === undefined ? '' : ` of its value in "${spec.relativeTo}"`;
  return {
    name: spec.name,
    explanation: spec.explanation,
    expected: `${def.describe}${where} ${spec.op} ${formatValue(threshold, unit)}`,
    measured,
    pass: measured !== null && compare(measured, spec.op, threshold),
  };
}

export function evaluateVerdicts(specs: VerdictSpec[], ctx: VerdictContext): VerdictResult[] {
  return specs.map((s) => evaluateVerdict(s, ctx));
}

/** The measured value as a person reads it, in the verdict's unit. */
export function formatMeasured(spec: VerdictSpec, measured: number | string | null): string {
  if (typeof measured === 'string') return measured;
  return formatValue(measured, spec.relativeTo === undefined ? metric(spec.metric).unit : 'x');
}
