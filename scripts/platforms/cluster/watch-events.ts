// Turns the API server's watch stream into the lab's timeline events. Each tracker remembers what
// it last saw of every object and emits an event only for a change, so a watch that restarts and
// replays every object as ADDED produces nothing new.
import type { LabEvent } from '../../model/events.js';
import type { PodInfo, PodPhase } from '../../model/k8s.js';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface Terminated {
  exitCode: number;
  signal?: number;
  reason?: string;
  finishedAt?: string;
  containerID?: string;
}

interface ContainerStatusJson {
  name: string;
  restartCount?: number;
  state?: { terminated?: Terminated };
  lastState?: { terminated?: Terminated };
}

/** The fields of a Pod, as the API server sends it, that the lab reads. */
export interface PodJson {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string }>;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
  };
  spec?: { containers?: Array<{ lifecycle?: { preStop?: unknown } }> };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: Array<{ type: string; status: string }>;
    containerStatuses?: ContainerStatusJson[];
  };
}

interface EndpointConditions {
  ready?: boolean | null;
  serving?: boolean | null;
  terminating?: boolean | null;
}

/** The fields of a discovery.k8s.io/v1 EndpointSlice that the lab reads. */
export interface EndpointSliceJson {
  metadata: { name: string; labels?: Record<string, string> };
  endpoints?: Array<{ addresses?: string[]; conditions?: EndpointConditions; targetRef?: { kind?: string; name?: string } }> | null;
}

/** The Deployment that owns a pod: its ReplicaSet's name without the pod-template-hash suffix. */
export function deploymentOf(pod: PodJson): string {
  const labels = pod.metadata.labels ?? {};
  const rs = pod.metadata.ownerReferences?.find((o) => o.kind === 'ReplicaSet')?.name;
  const hash = labels['pod-template-hash'];
  if (rs && hash && rs.endsWith(`-${hash}`)) return rs.slice(0, -hash.length - 1);
  return labels.app ?? '';
}

function isReady(pod: PodJson): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

const PHASES: ReadonlySet<string> = new Set(['Pending', 'Running', 'Succeeded', 'Failed']);

export function podInfo(pod: PodJson): PodInfo {
  const phase = pod.status?.phase ?? 'Pending';
  return {
    name: pod.metadata.name,
    deployment: deploymentOf(pod),
    app: pod.metadata.labels?.app ?? '',
    ip: pod.status?.podIP ?? '',
    phase: pod.metadata.deletionTimestamp ? 'Terminating' : PHASES.has(phase) ? (phase as PodPhase) : 'Pending',
    ready: isReady(pod),
    createdAt: pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : 0,
    restarts: (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0),
  };
}

function exitDetail(t: Terminated, container: string, many: boolean): string {
  const how = t.signal ? `signal ${t.signal}` : `exit code ${t.exitCode}`;
  return `${many ? `${container}: ` : ''}${how}${t.reason ? ` (${t.reason})` : ''}`;
}

interface PodMemory {
  preStop: boolean;
  ready: boolean;
  deleting: boolean;
  restarts: Map<string, number>;
  exits: Set<string>;
}

export class PodEvents {
  private readonly pods = new Map<string, PodMemory>();
  /** When the watch first showed each pod, on the run's clock: creationTimestamp has whole seconds
   *  of the API server's wall clock, too coarse for "first call N ms after the pod appeared". */
  readonly firstSeen = new Map<string, number>();

  apply(type: WatchType, pod: PodJson, t: number): LabEvent[] {
    const name = pod.metadata.name;
    const base = { t, pod: name, deployment: deploymentOf(pod) };
    const events: LabEvent[] = [];
    let memory = this.pods.get(name);
    if (!memory) {
      memory = { preStop: false, ready: false, deleting: false, restarts: new Map(), exits: new Set() };
      this.pods.set(name, memory);
      if (!this.firstSeen.has(name)) this.firstSeen.set(name, t);
      events.push({ ...base, type: 'pod-created' });
    }
    if ((pod.metadata.deletionTimestamp || type === 'DELETED') && !memory.deleting) {
      memory.deleting = true;
      const grace = pod.metadata.deletionGracePeriodSeconds;
      events.push({ ...base, type: 'pod-deleted', ...(grace === undefined ? {} : { detail: `grace period ${grace}s` }) });
    }
    memory.preStop = pod.spec?.containers?.some((c) => c.lifecycle?.preStop !== undefined) ?? false;
    const statuses = pod.status?.containerStatuses ?? [];
    for (const c of statuses) {
      for (const term of [c.lastState?.terminated, c.state?.terminated]) {
        if (!term) continue;
        const key = `${c.name}|${term.containerID ?? ''}|${term.finishedAt ?? ''}|${term.exitCode}`;
        if (memory.exits.has(key)) continue;
        memory.exits.add(key);
        events.push({ ...base, type: 'pod-exited', detail: exitDetail(term, c.name, statuses.length > 1) });
      }
      const restarts = c.restartCount ?? 0;
      if (restarts > (memory.restarts.get(c.name) ?? 0)) {
        events.push({ ...base, type: 'pod-restarted', detail: `${statuses.length > 1 ? `${c.name}: ` : ''}restart count ${restarts}` });
      }
      memory.restarts.set(c.name, restarts);
    }
    const ready = type !== 'DELETED' && isReady(pod);
    if (ready !== memory.ready) events.push({ ...base, type: ready ? 'pod-ready' : 'pod-not-ready' });
    memory.ready = ready;
    if (type === 'DELETED') this.pods.delete(name);
    return events;
  }

  /** Whether a pod seen so far has a preStop hook (undefined for a pod not seen). */
  hasPreStop(pod: string): boolean | undefined {
    return this.pods.get(pod)?.preStop;
  }
}

/** The fields of a core/v1 Event that the lab reads. */
export interface KubeEventJson {
  metadata: { uid?: string; name: string };
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string };
  source?: { component?: string };
}

/**
 * The kubelet keeps preStop and SIGTERM to itself, but announces the moment it starts stopping a
 * container with a `Killing` event: the preStop hook starts then when the pod has one, otherwise
 * the container gets SIGTERM then.
 */
export class KubeletEvents {
  private readonly seen = new Set<string>();

  constructor(private readonly hasPreStop: (pod: string) => boolean | undefined) {}

  apply(type: WatchType, ev: KubeEventJson, t: number): LabEvent[] {
    const pod = ev.involvedObject?.name;
    if (type === 'DELETED' || ev.reason !== 'Killing' || ev.involvedObject?.kind !== 'Pod' || !pod) return [];
    const key = `${ev.metadata.uid ?? ev.metadata.name}|${ev.count ?? 1}`;
    if (this.seen.has(key)) return [];
    this.seen.add(key);
    const detail = `kubelet: ${ev.message ?? 'Killing'}`;
    return [{ t, type: this.hasPreStop(pod) ? 'prestop-started' : 'sigterm-sent', pod, detail }];
  }
}

interface EndpointState {
  address: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

function endpointStates(slice: EndpointSliceJson): Map<string, EndpointState> {
  const states = new Map<string, EndpointState>();
  for (const ep of slice.endpoints ?? []) {
    const address = ep.addresses?.[0] ?? '';
    const c = ep.conditions ?? {};
    // The API says an unset ready or serving means "unknown", to be read as true.
    states.set(ep.targetRef?.name ?? address, {
      address,
      ready: c.ready !== false,
      serving: c.serving !== false,
      terminating: c.terminating === true,
    });
  }
  return states;
}

function conditionsDetail(s: EndpointState): string {
  return `${s.address}: ready=${s.ready} serving=${s.serving} terminating=${s.terminating}`;
}

/**
 * An endpoint is "added" when it joins the set of ready endpoints of its Service (the set kube-proxy
 * and DNS route new connections to) and "removed" when it leaves it, across all the Service's slices.
 */
export class EndpointSliceEvents {
  private readonly slices = new Map<string, { service: string; states: Map<string, EndpointState> }>();
  private readonly ready = new Map<string, Set<string>>();

  apply(type: WatchType, slice: EndpointSliceJson, t: number): LabEvent[] {
    const service = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!service) return [];
    if (type === 'DELETED') this.slices.delete(slice.metadata.name);
    else this.slices.set(slice.metadata.name, { service, states: endpointStates(slice) });

    const now = new Map<string, EndpointState>();
    for (const s of this.slices.values()) {
      if (s.service !== service) continue;
      for (const [key, state] of s.states) if (!now.get(key)?.ready) now.set(key, state);
    }
    const before = this.ready.get(service) ?? new Set<string>();
    const after = new Set([...now].filter(([, s]) => s.ready).map(([key]) => key));
    this.ready.set(service, after);

    const base = { t, service, view: 'endpoints' as const };
    const added = [...after].filter((key) => !before.has(key));
    const removed = [...before].filter((key) => !after.has(key));
    return [
      ...removed.map((pod): LabEvent => {
        const state = now.get(pod);
        return { ...base, type: 'endpoint-removed', pod, detail: state ? conditionsDetail(state) : 'gone from the EndpointSlice' };
      }),
      ...added.map((pod): LabEvent => ({ ...base, type: 'endpoint-added', pod, detail: conditionsDetail(now.get(pod)!) })),
    ];
  }
}
