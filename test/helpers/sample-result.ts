// A finished run's result for the reporter tests: one verdict held, one failed, with XML specials.
import type { RunResult } from '../../scripts/model/result.js';

export function sampleResult(over: Partial<RunResult> = {}): RunResult {
  return {
    round: 3,
    roundName: 'constraint',
    variant: 'broken',
    platform: 'local',
    cluster: { provider: 'local', serverVersion: null, context: null },
    seed: 7,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationS: 30,
    calls: 1000,
    byCode: { OK: 900, UNAVAILABLE: 100 },
    errorClasses: { shed: 100 },
    errors: 100,
    unavailableRate: 0.1,
    podsWithTraffic: 2,
    podsTotal: 10,
    perPod: { 'b-1': 450, 'b-2': 450 },
    maxMeanShare: 5,
    latencyMs: { p50: 40, p99: 230, max: 250 },
    newPods: {},
    servedByB: 1000,
    attemptsPerCall: 1,
    accounting: { scheduled: 1000, completed: 1000, inFlight: 0, skipped: 0, ok: 900, holds: true, check: 'scheduled 1,000 = completed 1,000 + in flight 0 + skipped 0 over 1 A process: holds' },
    verdicts: [
      { name: '<= 2 pods get traffic', explanation: 'Two connections, two pods.', expected: 'pods <= 2', measured: 2, pass: true },
      { name: 'UNAVAILABLE >= 1% & "<shed>"', explanation: "Pinned pods shed: it's <overload> & more", expected: '>= 1%', measured: 0.004, pass: false },
    ],
    events: [],
    timeline: [],
    pods: [],
    narration: ['A trainer sentence.'],
    kubectl: ['kubectl -n grpc-lab get pods'],
    pass: false,
    ...over,
  };
}
