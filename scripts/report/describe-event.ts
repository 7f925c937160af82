// Platform events in the words a trainer would say, shared by the terminal view, the dashboard
// and the HTML report so that all three tell the same story.
import type { EndpointView, EventType, LabEvent } from '../model/events.js';

const WHERE: Record<EndpointView, string> = {
  endpoints: "the Service's endpoints",
  proxy: "kube-proxy's rules",
  dns: 'DNS answers',
};

const SAY: Record<EventType, (e: LabEvent, pod: string) => string> = {
  'pod-created': (_e, pod) => `pod ${pod} created`,
  'pod-ready': (_e, pod) => `${pod} passed its readiness probe`,
  'pod-not-ready': (_e, pod) => `${pod} failed its readiness probe`,
  'pod-deleted': (_e, pod) => `${pod} deleted: Terminating`,
  'prestop-started': (_e, pod) => `preStop hook started on ${pod}`,
  'sigterm-sent': (_e, pod) => `SIGTERM sent to ${pod}`,
  'sigkill-sent': (_e, pod) => `SIGKILL sent to ${pod}: grace period over`,
  'pod-exited': (_e, pod) => `${pod} exited`,
  'pod-restarted': (_e, pod) => `${pod} restarted`,
  'endpoint-added': (e, pod) => `${pod} added to ${WHERE[e.view ?? 'endpoints']}`,
  'endpoint-removed': (e, pod) => `${pod} removed from ${WHERE[e.view ?? 'endpoints']}`,
  scaled: (e) => `${e.deployment ?? 'deployment'} scaled`,
  'rollout-started': (e) => `rolling restart of ${e.deployment ?? 'deployment'} started`,
  'rollout-completed': (e) => `rolling restart of ${e.deployment ?? 'deployment'} completed`,
  step: () => 'step',
};

/** One sentence for a person, e.g. "SIGTERM sent to b-7f9c-x2k (exit code 0)". */
export function describeEvent(event: LabEvent): string {
  const say = SAY[event.type] ?? ((e: LabEvent) => e.type);
  const base = say(event, event.pod ?? 'a pod');
  if (!event.detail) return base;
  return event.type === 'step' ? `step: ${event.detail}` : `${base} (${event.detail})`;
}

/** Events drawn as labelled lines on the charts: the actions of the timeline. */
export const MAJOR_EVENTS: ReadonlySet<EventType> = new Set(['rollout-started', 'rollout-completed', 'scaled', 'step']);
/** Events drawn as thin ticks: the moments a pod is told to go. */
export const MINOR_EVENTS: ReadonlySet<EventType> = new Set(['sigterm-sent', 'sigkill-sent', 'pod-restarted']);

const LABEL_WITH_DETAIL: ReadonlySet<EventType> = new Set(['step', 'scaled']);

/** An event placed on the run's time axis, ready for a chart marker or a ticker line. */
export interface ViewEvent {
  /** Unix ms, as the platform stamped it. */
  t: number;
  /** Seconds since the run started (negative: before it, e.g. while the platform came up). */
  s: number;
  type: EventType;
  pod?: string;
  text: string;
  /** The sentence without the event's detail: what a folded ticker line says. */
  gist: string;
  /** A chart label: the gist, or the whole sentence where the detail is the point (a scale to N). */
  label: string;
  /** Events of one kind fold together: the type, and for endpoints where the change was seen. */
  kind: string;
  /** 'major' and 'minor' events get a chart marker; the others only a ticker line. */
  marker: 'major' | 'minor' | null;
}

export function toViewEvent(event: LabEvent, runStartMs: number): ViewEvent {
  const marker = MAJOR_EVENTS.has(event.type) ? 'major' : MINOR_EVENTS.has(event.type) ? 'minor' : null;
  return {
    t: event.t,
    s: Math.round((event.t - runStartMs) / 100) / 10,
    type: event.type,
    ...(event.pod ? { pod: event.pod } : {}),
    text: describeEvent(event),
    gist: describeEvent({ ...event, detail: undefined }),
    label: LABEL_WITH_DETAIL.has(event.type) ? describeEvent(event) : describeEvent({ ...event, detail: undefined }),
    kind: `${event.type}:${event.view ?? ''}`,
    marker,
  };
}

/**
 * Ticker lines: consecutive events of the same kind within a second fold into one line
 * ("SIGTERM sent to b-1, b-2 +3"), so a rollout of 20 pods does not flood the screen.
 */
export function foldEvents(events: readonly ViewEvent[], maxPodsNamed = 2): Array<{ s: number; text: string }> {
  const lines: Array<{ s: number; text: string; pods: string[]; first: ViewEvent }> = [];
  for (const e of events) {
    const last = lines[lines.length - 1];
    if (last && e.pod && last.pods.length > 0 && last.first.kind === e.kind && e.s - last.s <= 1) {
      last.pods.push(e.pod);
      continue;
    }
    lines.push({ s: e.s, text: e.text, pods: e.pod ? [e.pod] : [], first: e });
  }
  return lines.map((l) => ({ s: l.s, text: l.pods.length > 1 ? foldedText(l.first, l.pods, maxPodsNamed) : l.text }));
}

function foldedText(first: ViewEvent, pods: string[], maxPodsNamed: number): string {
  const named = pods.slice(0, maxPodsNamed).join(', ');
  const more = pods.length > maxPodsNamed ? ` +${pods.length - maxPodsNamed}` : '';
  return first.gist.replace(first.pod ?? '', `${named}${more}`);
}
