// Round 5's measured table: one row per protocol and load shape, each read in its own window from
// its own client's calls. Every cell is a measurement or null, never an estimate.
import type { TableRowSpec } from '../model/spec.js';
import { computeFigures, growthIn, secondsSpan } from './figures.js';
import type { RunData, TimeRange } from './run-data.js';

export type MeasuredTable = Record<string, Record<string, number | null>>;

/** Columns of the table, in order. */
export const TABLE_FIGURES = [
  'calls/s',
  'p50 ms',
  'p99 ms',
  'bytes/call',
  'B CPU ms/1000 calls',
  'pods with traffic',
  'max/mean share',
] as const;

function backendGrowth(data: RunData, field: 'received' | 'cpuSeconds' | 'wireBytes', range: TimeRange): number | null {
  const parts = data.backends.map((b) => growthIn(b.samples, field, b.startedAt, secondsSpan(range)));
  return parts.some((p) => p === null) || parts.length === 0 ? null : (parts as number[]).reduce((a, b) => a + b, 0);
}

const per = (x: number | null, calls: number | null, scale: number): number | null =>
  x === null || calls === null || calls === 0 ? null : Math.round((x / calls) * scale * 10) / 10;

export function computeTable(rows: TableRowSpec[], data: RunData, ranges: Record<string, TimeRange>): MeasuredTable {
  const table: MeasuredTable = {};
  for (const row of rows) {
    const range = ranges[row.window];
    if (!range) throw new Error(`table row "${row.name}" reads window "${row.window}", which has no time range`);
    const f = computeFigures(data, range, { clients: [row.client] });
    // Rows run one after the other, so what B received and spent in a row's window is that row's.
    const received = backendGrowth(data, 'received', range);
    table[row.name] = {
      'calls/s': f.throughput,
      'p50 ms': f.latencyMs.p50,
      'p99 ms': f.latencyMs.p99,
      'bytes/call': per(backendGrowth(data, 'wireBytes', range), received, 1),
      'B CPU ms/1000 calls': per(backendGrowth(data, 'cpuSeconds', range), received, 1_000_000),
      'pods with traffic': f.calls ? f.podsWithTraffic : null,
      'max/mean share': f.maxMeanShare,
    };
  }
  return table;
}
