// Numbers as a person reads them, for every reporter (terminal, HTML, JUnit) and the live views:
// one place decides how a percentage, a latency or a verdict's measured value is written.
import type { Unit } from './metrics.js';
import type { VerdictResult } from './result.js';
import type { ClusterInfo } from './traits.js';

/** What a value that could not be measured reads as: 'n/a' in text, a dash in the HTML pages. */
export const NOT_MEASURED = 'n/a';

const roundTo = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** 12,345 */
export function formatCount(x: number): string {
  return x.toLocaleString('en-US');
}

/** A plain number with at most `digits` decimals: 1.23, 5, 0.004. */
export function formatNumber(x: number | null, digits = 2, missing = NOT_MEASURED): string {
  return x === null || !Number.isFinite(x) ? missing : String(roundTo(x, digits));
}

/** A share as a percentage with at most `digits` decimals: 0.1 -> 10%, 0.0123 -> 1.23%. */
export function formatPercent(x: number | null, digits = 2, missing = NOT_MEASURED): string {
  return x === null || !Number.isFinite(x) ? missing : `${roundTo(x * 100, digits)}%`;
}

/** A share with a fixed number of decimals, for columns that must not jump: 0.05 -> 5.0%. */
export function formatPercentFixed(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}

/** 12.3 ms */
export function formatMs(x: number | null, missing = NOT_MEASURED): string {
  return x === null ? missing : `${roundTo(x, 1)} ms`;
}

/** A value for a person, in its unit: ratios as percentages, the rest with their unit. */
export function formatValue(value: number | null, unit: Unit, missing = NOT_MEASURED): string {
  if (value === null) return missing;
  switch (unit) {
    case 'ratio':
      return formatPercent(value);
    case 'ms':
      return formatMs(value);
    case 's':
      return `${roundTo(value, 1)} s`;
    case 'x':
      return `${roundTo(value, 2)}x`;
    case 'pods':
      return `${value} pod${value === 1 ? '' : 's'}`;
    default:
      return `${value}`;
  }
}

/** A number whose unit is not known (reports written before verdicts carried one): 4 significant digits. */
function plain(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

/** A verdict's measured value, in the verdict's unit. */
export function formatMeasured(v: Pick<VerdictResult, 'measured' | 'unit'>, missing = NOT_MEASURED): string {
  if (typeof v.measured === 'string') return v.measured;
  if (v.measured === null) return missing;
  return v.unit === undefined ? plain(v.measured) : formatValue(v.measured, v.unit);
}

/** Where a run ran, in one phrase: "provider kind, Kubernetes v1.31.0, context kind-grpc-lab". */
export function formatCluster(c: ClusterInfo): string {
  return [`provider ${c.provider}`, c.serverVersion && `Kubernetes ${c.serverVersion}`, c.context && `context ${c.context}`].filter(Boolean).join(', ');
}
