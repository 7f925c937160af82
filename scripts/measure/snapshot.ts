// The once-a-second picture a live view draws: the last complete second's outcomes and each pod's
// share of it, from what the collector has so far.
import type { LivePod, LivePodState, LiveSnapshot } from '../model/live.js';
import type { ClientSeries, PodRecord } from './run-data.js';
import type { StatsBucket } from '../../services/shared/stats-schema.js';

/** A pod that vanished stays on screen this long, as Gone, so a trainer sees where it went. */
const GONE_VISIBLE_MS = 5_000;

function lastSecond(clients: ClientSeries[]): StatsBucket[] {
  const latest = Math.max(-Infinity, ...clients.map((s) => s.buckets[s.buckets.length - 1]?.t ?? -Infinity));
  return clients.flatMap((s) => s.buckets.slice(-3).filter((b) => b.t === latest));
}

function stateOf(rec: PodRecord): LivePodState {
  if (rec.vanishedAt !== undefined) return 'Gone';
  const p = rec.last;
  if (p.phase === 'Pending') return 'Pending';
  if (p.phase === 'Terminating') return 'Terminating';
  if (p.phase === 'Running') return p.ready ? 'Ready' : 'NotReady';
  return 'Gone';
}

export interface SnapshotInput {
  round: number;
  variant: string;
  t0: number;
  now: number;
  clients: ClientSeries[];
  pods: PodRecord[];
  step: LiveSnapshot['step'];
  verdicts: LiveSnapshot['verdicts'];
}

export function buildSnapshot(input: SnapshotInput): LiveSnapshot {
  const second = lastSecond(input.clients);
  const sum = (f: (b: StatsBucket) => number): number => second.reduce((s, b) => s + f(b), 0);
  const ok = sum((b) => b.byCode.OK ?? 0);
  const unavailable = sum((b) => b.byCode.UNAVAILABLE ?? 0);
  const cancelled = sum((b) => b.byCode.CANCELLED ?? 0);
  const completed = sum((b) => b.completed);
  const perPod: Record<string, number> = {};
  for (const b of second) for (const [pod, k] of Object.entries(b.perPod)) perPod[pod] = (perPod[pod] ?? 0) + k;
  const pods: LivePod[] = input.pods
    .filter((rec) => rec.vanishedAt === undefined || input.now - rec.vanishedAt < GONE_VISIBLE_MS)
    .sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name))
    .map((rec) => ({
      name: rec.name,
      app: rec.app,
      state: stateOf(rec),
      isNew: rec.createdAt >= input.t0,
      okPerSec: perPod[rec.name] ?? 0,
      share: ok ? (perPod[rec.name] ?? 0) / ok : 0,
    }));
  return {
    round: input.round,
    t0: input.t0,
    variant: input.variant,
    s: Math.max(0, Math.round((input.now - input.t0) / 100) / 10),
    rates: { ok, unavailable, cancelled, other: Math.max(0, completed - ok - unavailable - cancelled) },
    pods,
    step: input.step,
    verdicts: input.verdicts,
  };
}
