import { describe, expect, it } from 'vitest';
import { computeAccounting, computeFigures } from '../scripts/measure/figures.js';
import { compare, evaluateVerdict, evaluateVerdicts, formatMeasured } from '../scripts/measure/verdicts.js';
import type { VerdictSpec } from '../scripts/scenarios/spec.js';
import { client, podRecord, range, runData } from './helpers/synthetic-run.js';

const pods = Array.from({ length: 4 }, (_, i) => podRecord(`b-${i}`, -30));
const data = runData({
  clients: [
    client('a-1', [
      { s: 0, ok: { 'b-0': 95 }, codes: { UNAVAILABLE: 5 }, classes: { shed: 5 }, latenciesMs: Array(100).fill(20) },
      { s: 1, ok: { 'b-0': 100 }, latenciesMs: Array(100).fill(80) },
    ]),
  ],
  pods,
});
const figures = { main: computeFigures(data, range(0, 2)), first: computeFigures(data, range(0, 1)), second: computeFigures(data, range(1, 2)) };
const run = { accounting: computeAccounting(data.clients) };
const ctx = (platform: 'local' | 'kind' = 'local') => ({ platform, figures, run });

const spec = (over: Partial<VerdictSpec>): VerdictSpec => ({
  name: 'v',
  explanation: 'why it matters',
  metric: 'unavailableRate',
  op: '>=',
  threshold: 0.01,
  ...over,
});

describe('verdicts', () => {
  it('compares with every operator', () => {
    expect([compare(1, '>=', 1), compare(1, '>', 1), compare(1, '<=', 1), compare(1, '<', 1), compare(1, '==', 1)]).toEqual([true, false, true, false, true]);
  });

  it('passes and fails on the measured value, and says what was expected', () => {
    const pass = evaluateVerdict(spec({}), ctx());
    expect(pass).toMatchObject({ name: 'v', explanation: 'why it matters', measured: 0.025, pass: true });
    expect(pass.expected).toBe('share of calls that ended UNAVAILABLE >= 1%');
    expect(evaluateVerdict(spec({ op: '<', threshold: 0.01 }), ctx()).pass).toBe(false);
  });

  it('uses the threshold of the platform it runs on', () => {
    const perPlatform = spec({ metric: 'podsWithTraffic', op: '<=', threshold: { local: 0, kind: 1, why: 'test' } });
    expect(evaluateVerdict(perPlatform, ctx('local')).pass).toBe(false);
    expect(evaluateVerdict(perPlatform, ctx('kind')).pass).toBe(true);
  });

  it('reads the window it names and compares against another window when asked', () => {
    expect(evaluateVerdict(spec({ metric: 'errors', window: 'second', op: '==', threshold: 0 }), ctx()).pass).toBe(true);
    const rise = evaluateVerdict(spec({ metric: 'p50Ms', window: 'second', relativeTo: 'first', op: '>=', threshold: 3 }), ctx());
    expect(rise.measured).toBeCloseTo(4, 1);
    expect(rise.pass).toBe(true);
    expect(rise.expected).toContain('of its value in "first"');
  });

  it('fails a verdict whose value could not be measured', () => {
    const empty = { platform: 'local' as const, figures: { main: computeFigures(data, range(10, 20)) }, run };
    const v = evaluateVerdict(spec({ metric: 'maxMeanShare', op: '<=', threshold: 1.25 }), empty);
    expect(v).toMatchObject({ measured: null, pass: false });
  });

  it('refuses a window the round does not define', () => {
    expect(() => evaluateVerdict(spec({ window: 'nope' }), ctx())).toThrow(/window "nope"/);
  });

  it('reads run-wide facts: accounting and the measured table', () => {
    const [acc, table] = evaluateVerdicts(
      [spec({ metric: 'accountingHolds', op: '==', threshold: 1 }), spec({ metric: 'unmeasuredFigures', op: '==', threshold: 0 })],
      { ...ctx(), run: { ...run, table: { grpc: { 'p50 ms': 1, 'bytes/call': null } } } },
    );
    expect(acc.pass).toBe(true);
    expect(table).toMatchObject({ measured: 1, pass: false });
  });

  it('formats measured values in the metric unit', () => {
    expect(formatMeasured(spec({}), 0.0123)).toBe('1.23%');
    expect(formatMeasured(spec({ metric: 'p99Ms' }), 231.44)).toBe('231.4 ms');
    expect(formatMeasured(spec({ metric: 'p99Ms', relativeTo: 'first' }), 1.5)).toBe('1.5x');
    expect(formatMeasured(spec({}), null)).toBe('n/a');
  });
});
