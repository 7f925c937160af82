// The lab's timeline: what a platform saw happen to pods and endpoints, and the runner's steps.
// Every layer reads these; only platforms and the runner write them.

export const EVENT_TYPES = [
  'pod-created',
  'pod-ready',
  'pod-not-ready',
  'pod-deleted',
  'prestop-started',
  'sigterm-sent',
  'sigkill-sent',
  'pod-exited',
  'pod-restarted',
  'endpoint-added',
  'endpoint-removed',
  'scaled',
  'rollout-started',
  'rollout-completed',
  'step',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** What a platform can report; `step` is the runner's own. */
export const PLATFORM_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter((t) => t !== 'step');

/** Where an endpoint change became visible: the EndpointSlice itself, kube-proxy's rules, or DNS. */
export type EndpointView = 'endpoints' | 'proxy' | 'dns';

export interface LabEvent {
  /** Unix ms from a monotonic clock (see clock.ts). */
  t: number;
  type: EventType;
  pod?: string;
  deployment?: string;
  service?: string;
  view?: EndpointView;
  /** Free text for a person: "exit code 0", "signal SIGKILL", "replicas 10 -> 20", "restart count 1". */
  detail?: string;
}
