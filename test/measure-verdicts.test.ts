import { describe, expect, it } from 'vitest';
import { computeAccounting, computeFigures } from '../scripts/measure/figures.js';
import { compare, evaluateVerdict, evaluateVerdicts } from '../scripts/measure/verdicts.js';
import { formatMeasured } from '../scripts/model/format.js';
import type { VerdictSpec } from '../scripts/model/spec.js';
import type { PlatformTraits } from '../scripts/model/traits.js';
import { CLUSTER_TRAITS } from '../scripts/platforms/cluster/traits.js';
import { LOCAL_TRAITS } from '../scripts/platforms/local/traits.js';
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
const ctx = (traits: PlatformTraits = LOCAL_TRAITS) => ({ traits, figures, run });

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

  it('uses the threshold that what the platform is gives', () => {
    const byTraits = spec({ metric: 'podsWithTraffic', op: '<=', threshold: { why: 'test', of: (t) => (t.dnsCacheSeconds === 0 ? 0 : 1) } });
    expect(evaluateVerdict(byTraits, ctx(LOCAL_TRAITS)).pass).toBe(false);
    expect(evaluateVerdict(byTraits, ctx(CLUSTER_TRAITS)).pass).toBe(true);
  });

  it('does not measure a figure from events the platform cannot observe', () => {
    const blind: PlatformTraits = { ...LOCAL_TRAITS, events: LOCAL_TRAITS.events.filter((e) => e !== 'pod-not-ready') };
    const readiness = spec({ metric: 'readinessFailures', op: '==', threshold: 0 });
    expect(evaluateVerdict(readiness, ctx(LOCAL_TRAITS))).toMatchObject({ measured: 0, pass: true });
    expect(evaluateVerdict(readiness, ctx(blind))).toMatchObject({ measured: null, pass: false });
  });

  it('reads the window it names and compares against another window when asked', () => {
    expect(evaluateVerdict(spec({ metric: 'errors', window: 'second', op: '==', threshold: 0 }), ctx()).pass).toBe(true);
    const rise = evaluateVerdict(spec({ metric: 'p50Ms', window: 'second', relativeTo: 'first', op: '>=', threshold: 3 }), ctx());
    expect(rise.measured).toBeCloseTo(4, 1);
    expect(rise.pass).toBe(true);
    expect(rise.expected).toContain('of its value in "first"');
  });

  it('fails a verdict whose value could not be measured', () => {
    const empty = { traits: LOCAL_TRAITS, figures: { main: computeFigures(data, range(10, 20)) }, run };
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

  it('carries the metric unit, in which every reporter formats the measured value', () => {
    const unitOf = (over: Partial<VerdictSpec>) => evaluateVerdict(spec(over), ctx()).unit;
    expect(formatMeasured({ measured: 0.0123, unit: unitOf({}) })).toBe('1.23%');
    expect(formatMeasured({ measured: 231.44, unit: unitOf({ metric: 'p99Ms' }) })).toBe('231.4 ms');
    expect(formatMeasured({ measured: 1.5, unit: unitOf({ metric: 'p99Ms', relativeTo: 'first' }) })).toBe('1.5x');
    expect(formatMeasured({ measured: null, unit: unitOf({}) })).toBe('n/a');
  });
});
