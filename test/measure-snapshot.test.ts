import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../scripts/measure/snapshot.js';
import { T0, client, podRecord } from './helpers/synthetic-run.js';

describe('live snapshot', () => {
  it('shows the last complete second: outcomes, each pod\'s share, new and gone pods', () => {
    const clients = [
      client('a-1', [{ s: 0, ok: { old: 100 } }, { s: 1, ok: { old: 30, fresh: 10 }, codes: { UNAVAILABLE: 5, CANCELLED: 2, DEADLINE_EXCEEDED: 1 } }]),
      client('a-2', [{ s: 1, ok: { fresh: 40 } }]),
    ];
    const pods = [podRecord('old', -10), podRecord('fresh', 0.5), podRecord('gone', -10, { vanishedS: 1 }), podRecord('long-gone', -10, { vanishedS: -20 })];
    const snap = buildSnapshot({ round: 4, variant: 'broken', t0: T0, now: T0 + 2500, clients, pods, step: null, verdicts: [] });
    expect(snap.s).toBe(2.5);
    expect(snap.rates).toEqual({ ok: 80, unavailable: 5, cancelled: 2, other: 1 });
    const byName = Object.fromEntries(snap.pods.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual(['fresh', 'gone', 'old']);
    expect(byName.fresh).toMatchObject({ isNew: true, okPerSec: 50, share: 0.625, state: 'Ready' });
    expect(byName.old).toMatchObject({ isNew: false, okPerSec: 30, share: 0.375 });
    expect(byName.gone.state).toBe('Gone');
  });
});
