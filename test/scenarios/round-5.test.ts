import { describe, expect } from 'vitest';
import { round5 } from '../../scripts/scenarios/round-5-synthesis.js';
import { TABLE_FIGURES } from '../../scripts/measure/table.js';
import { testEveryVariant } from './run-round.js';

describe('round 5 (synthesis) on the local platform', () => {
  testEveryVariant(round5, 235, (result) => {
    // A measured table, not a verdict: every row, every figure, each a real number.
    expect(Object.keys(result.table ?? {})).toEqual(round5.table!.map((r) => r.name));
    for (const row of Object.values(result.table!)) {
      expect(Object.keys(row)).toEqual([...TABLE_FIGURES]);
      for (const value of Object.values(row)) expect(Number.isFinite(value)).toBe(true);
    }
    // One HTTP/2 connection per gRPC channel: kube-proxy sends all of it to a single pod.
    expect(result.table!['grpc, fixed concurrency']['pods with traffic']).toBe(1);
    expect(result.table!['grpc, fixed rate']['pods with traffic']).toBe(1);
  });
});
