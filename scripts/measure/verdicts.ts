// Evaluates a variant's verdicts against the figures of their windows. A verdict whose value could
// not be measured fails: "no data" never passes for "no errors", and neither does a figure counted
// from events the platform cannot observe.
import type { Figures } from '../model/figures.js';
import { formatValue } from '../model/format.js';
import type { VerdictResult } from '../model/result.js';
import type { Comparison, VerdictSpec } from '../model/spec.js';
import { valueFor, type PlatformTraits } from '../model/traits.js';
import { metric, type RunFacts } from './metrics.js';

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
  /** What the platform is: thresholds may depend on it, and a metric needs its events seen. */
  traits: PlatformTraits;
  /** Figures by window name; `main` is the default window. */
  figures: Record<string, Figures>;
  run: RunFacts;
}

function read(spec: VerdictSpec, ctx: VerdictContext): number | null {
  const def = metric(spec.metric);
  if (def.needs?.some((type) => !ctx.traits.events.includes(type))) return null;
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
  const threshold = valueFor(spec.threshold, ctx.traits);
  const measured = read(spec, ctx);
  const unit = spec.relativeTo === undefined ? def.unit : 'x';
  const where = spec.relativeTo === undefined ? '' : ` of its value in "${spec.relativeTo}"`;
  return {
    name: spec.name,
    explanation: spec.explanation,
    expected: `${def.describe}${where} ${spec.op} ${formatValue(threshold, unit)}`,
    measured,
    unit,
    pass: measured !== null && compare(measured, spec.op, threshold),
  };
}

export function evaluateVerdicts(specs: VerdictSpec[], ctx: VerdictContext): VerdictResult[] {
  return specs.map((s) => evaluateVerdict(s, ctx));
}
