// The timings the rounds' races are made of, per pod, from a run's own events: how long a pod took
// from creation to Ready, from deletion to leaving its Service's endpoints, from leaving the
// endpoints to leaving kube-proxy's rules (where the platform can see them), and from deletion to
// its process's exit. The fidelity bench sets these side by side for the two platforms.
import type { EventType, LabEvent } from '../../scripts/model/events.js';

export const RACE_WINDOWS = ['created to Ready', 'deleted to endpoint removed', 'endpoint removed to kube-proxy rules', 'deleted to exited'] as const;
export type RaceWindow = (typeof RACE_WINDOWS)[number];

type Match = { type: EventType; view?: LabEvent['view'] };

const SPANS: Record<RaceWindow, [Match, Match]> = {
  'created to Ready': [{ type: 'pod-created' }, { type: 'pod-ready' }],
  'deleted to endpoint removed': [{ type: 'pod-deleted' }, { type: 'endpoint-removed', view: 'endpoints' }],
  'endpoint removed to kube-proxy rules': [{ type: 'endpoint-removed', view: 'endpoints' }, { type: 'endpoint-removed', view: 'proxy' }],
  'deleted to exited': [{ type: 'pod-deleted' }, { type: 'pod-exited' }],
};

const matches = (e: LabEvent, m: Match): boolean => e.type === m.type && (m.view === undefined || e.view === m.view);

/** Milliseconds of each window, one per pod that went through both of its events (first of each). */
export function raceWindows(events: readonly LabEvent[]): Record<RaceWindow, number[]> {
  const out = Object.fromEntries(RACE_WINDOWS.map((w) => [w, [] as number[]])) as Record<RaceWindow, number[]>;
  const pods = new Set(events.flatMap((e) => (e.pod ? [e.pod] : [])));
  for (const pod of pods) {
    const own = events.filter((e) => e.pod === pod);
    for (const w of RACE_WINDOWS) {
      const [from, to] = SPANS[w];
      const start = own.find((e) => matches(e, from));
      const end = start && own.find((e) => matches(e, to) && e.t >= start.t);
      if (start && end) out[w].push(end.t - start.t);
    }
  }
  return out;
}
