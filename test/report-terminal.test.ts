import { describe, expect, it } from 'vitest';
import { formatComparison, formatRun, table } from '../scripts/report/terminal.js';
import { sampleResult } from './helpers/sample-result.js';

describe('terminal report', () => {
  it('prints figures, each verdict with measured vs expected, the accounting check and the narration', () => {
    const text = formatRun(sampleResult(), (v) => `${v.measured} units`);
    expect(text).toContain('Round 3 (constraint), variant broken: FAIL on local, seed 7');
    expect(text).toContain('calls 1,000: OK 900, UNAVAILABLE 100');
    expect(text).toContain('pods with traffic 2/10; max/mean share 5x');
    expect(text).toContain('latency p50 40 ms, p99 230 ms, max 250 ms');
    expect(text).toContain('PASS  <= 2 pods get traffic: measured 2 units; expected pods <= 2');
    expect(text).toContain('FAIL  UNAVAILABLE >= 1% & "<shed>": measured 0.004 units; expected >= 1%');
    expect(text).toContain('accounting: scheduled 1,000 = completed 1,000');
    expect(text).toContain('- A trainer sentence.');
    expect(text).toContain('$ kubectl -n grpc-lab get pods');
  });

  it('prints the measured table of round 5', () => {
    const text = formatRun(sampleResult({ table: { 'grpc, fixed rate': { 'p50 ms': 1.234, 'bytes/call': null } } }));
    expect(text).toMatch(/grpc, fixed rate\s+1\.23\s+n\/a/);
  });

  it('compares variants side by side', () => {
    const text = formatComparison([sampleResult(), sampleResult({ variant: 'headless', podsWithTraffic: 10, maxMeanShare: 1.02, pass: true, byCode: { OK: 1000 }, errors: 0, unavailableRate: 0 })]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Round 3 (constraint) on local: variants compared');
    expect(lines.find((l) => l.trim().startsWith('broken'))).toMatch(/broken\s+1,000\s+100\s+10%\s+2\/10\s+5x.*FAIL$/);
    expect(lines.find((l) => l.trim().startsWith('headless'))).toMatch(/headless\s+1,000\s+0\s+0%\s+10\/10\s+1.02x.*PASS$/);
  });

  it('aligns numbers right and words left', () => {
    expect(table([['name', 'n'], ['a', '1'], ['bbb', '100']], '')).toBe(['name    n', '----  ---', 'a       1', 'bbb   100'].join('\n'));
  });
});
