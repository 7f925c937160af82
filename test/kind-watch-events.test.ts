// Recorded watch streams (a rollout deleting a pod with no SIGTERM handler, a crash and restart,
// EndpointSlices changing under them) become exactly the timeline events a report shows.
import { describe, expect, it } from 'vitest';
import type { LabEvent } from '../scripts/model/events.js';
import { deploymentOf, EndpointSliceEvents, KubeletEvents, PodEvents, podInfo, type PodJson } from '../scripts/platforms/cluster/watch-events.js';
import { watchFixture } from './helpers/kind-fakes.js';

const A = 'service-b-6d8f7c9b5d-x7k2p';
const B = 'service-b-6d8f7c9b5d-m4q9z';

/** Feeds a recorded stream to a tracker, line i at time i, and keeps what came out. */
function replay(lines: Array<{ type: any; object: any }>, apply: (type: any, obj: any, t: number) => LabEvent[]): LabEvent[] {
  return lines.flatMap((l, i) => apply(l.type, l.object, i));
}

describe('Pod watch -> events', () => {
  it('turns a recorded rollout and crash into created, ready, deleted, exited, restarted, not-ready events', async () => {
    const pods = new PodEvents();
    const events = replay(await watchFixture('pod-watch'), (type, obj, t) => pods.apply(type, obj, t));
    const d = 'service-b';
    expect(events).toEqual([
      { t: 0, type: 'pod-created', pod: A, deployment: d },
      { t: 3, type: 'pod-ready', pod: A, deployment: d },
      { t: 4, type: 'pod-created', pod: B, deployment: d },
      { t: 4, type: 'pod-ready', pod: B, deployment: d },
      { t: 5, type: 'pod-deleted', pod: A, deployment: d, detail: 'grace period 30s' },
      { t: 6, type: 'pod-exited', pod: A, deployment: d, detail: 'exit code 143 (Error)' },
      { t: 6, type: 'pod-not-ready', pod: A, deployment: d },
      { t: 7, type: 'pod-exited', pod: B, deployment: d, detail: 'exit code 1 (Error)' },
      { t: 7, type: 'pod-restarted', pod: B, deployment: d, detail: 'restart count 1' },
      { t: 7, type: 'pod-not-ready', pod: B, deployment: d },
      // lines 8 and 9 replay A as it was, then delete it: nothing new happened to it
      { t: 10, type: 'pod-ready', pod: B, deployment: d },
    ]);
  });

  it('reports a deletion it only learns of from DELETED, and a pod seen again after it was deleted as new', async () => {
    const lines = await watchFixture('pod-watch');
    const running = lines[3]!.object;
    const pods = new PodEvents();
    pods.apply('ADDED', running, 0);
    expect(pods.apply('DELETED', running, 1).map((e) => e.type)).toEqual(['pod-deleted', 'pod-not-ready']);
    expect(pods.apply('ADDED', running, 2).map((e) => e.type)).toEqual(['pod-created', 'pod-ready']);
  });

  it('names the container when a pod has several', async () => {
    const lines = await watchFixture('pod-watch');
    const pod = structuredClone(lines[6]!.object);
    pod.status.containerStatuses.push({ ...structuredClone(pod.status.containerStatuses[0]), name: 'sidecar', containerID: 'containerd://5c5c' });
    pod.status.containerStatuses[1].state.terminated = { exitCode: 0, reason: 'Completed', finishedAt: '2025-03-14T09:27:03Z' };
    const exits = new PodEvents().apply('MODIFIED', pod, 0).filter((e) => e.type === 'pod-exited');
    expect(exits.map((e) => e.detail)).toEqual(['b: exit code 143 (Error)', 'sidecar: exit code 0 (Completed)']);
  });

  it('derives PodInfo from a Pod as the API server sends it', async () => {
    const lines = await watchFixture('pod-watch');
    expect(podInfo(lines[7]!.object as PodJson)).toEqual({
      name: B,
      deployment: 'service-b',
      app: 'service-b',
      ip: '10.244.2.4',
      phase: 'Running',
      ready: false,
      createdAt: Date.parse('2025-03-14T09:26:51Z'),
      restarts: 1,
    });
    expect(podInfo(lines[5]!.object as PodJson).phase).toBe('Terminating');
    expect(podInfo(lines[0]!.object as PodJson)).toMatchObject({ phase: 'Pending', ip: '', ready: false });
  });

  it('finds the Deployment from the ReplicaSet owner, and falls back to the app label', () => {
    const meta = { name: 'x', labels: { app: 'l7-proxy', 'pod-template-hash': '55d8f' } };
    expect(deploymentOf({ metadata: { ...meta, ownerReferences: [{ kind: 'ReplicaSet', name: 'l7-proxy-55d8f' }] } })).toBe('l7-proxy');
    expect(deploymentOf({ metadata: meta })).toBe('l7-proxy');
  });
});

describe('EndpointSlice watch -> events', () => {
  it('reports endpoints joining and leaving the ready set of each Service, across its slices', async () => {
    const slices = new EndpointSliceEvents();
    const events = replay(await watchFixture('endpointslice-watch'), (type, obj, t) => slices.apply(type, obj, t));
    const v = { view: 'endpoints' };
    expect(events).toEqual([
      { t: 2, type: 'endpoint-added', pod: A, service: 'service-b', ...v, detail: '10.244.1.7: ready=true serving=true terminating=false' },
      { t: 3, type: 'endpoint-added', pod: B, service: 'service-b', ...v, detail: '10.244.2.4: ready=true serving=true terminating=false' },
      { t: 4, type: 'endpoint-added', pod: B, service: 'service-b-pods', ...v, detail: '10.244.2.4: ready=true serving=true terminating=false' },
      // deleted pod: out of the ready set at once, while it may still serve during its preStop
      { t: 5, type: 'endpoint-removed', pod: A, service: 'service-b', ...v, detail: '10.244.1.7: ready=false serving=true terminating=true' },
      // B moving to a second slice (6, 7) and A leaving the slice (8) change nothing
      { t: 9, type: 'endpoint-removed', pod: B, service: 'service-b', ...v, detail: 'gone from the EndpointSlice' },
    ]);
  });

  it('reads unset conditions as ready, as the API documents, and ignores slices of no Service', () => {
    const slices = new EndpointSliceEvents();
    const slice = {
      metadata: { name: 's1', labels: { 'kubernetes.io/service-name': 'svc' } },
      endpoints: [{ addresses: ['10.244.1.9'] }],
    };
    expect(slices.apply('ADDED', slice, 0)).toEqual([
      { t: 0, type: 'endpoint-added', pod: '10.244.1.9', service: 'svc', view: 'endpoints', detail: '10.244.1.9: ready=true serving=true terminating=false' },
    ]);
    expect(slices.apply('ADDED', { metadata: { name: 'orphan' }, endpoints: [{ addresses: ['10.0.0.1'] }] }, 1)).toEqual([]);
  });
});

describe('kubelet Events -> events', () => {
  it('reads the kubelet\'s Killing as preStop started when the pod has a hook, SIGTERM sent when not', async () => {
    const pods = new PodEvents();
    const lines = await watchFixture('pod-watch');
    pods.apply('ADDED', lines[3]!.object, 0);
    const withHook = structuredClone(lines[3]!.object);
    withHook.metadata.name = 'service-b-5c7d9f8b6-h3n8t';
    withHook.spec.containers[0].lifecycle = { preStop: { sleep: { seconds: 5 } } };
    pods.apply('ADDED', withHook, 0);

    const kubelet = new KubeletEvents((pod) => pods.hasPreStop(pod));
    const events = replay(await watchFixture('event-watch'), (type, obj, t) => kubelet.apply(type, obj, t));
    expect(events).toEqual([
      { t: 3, type: 'sigterm-sent', pod: A, detail: 'kubelet: Stopping container b' },
      { t: 4, type: 'prestop-started', pod: 'service-b-5c7d9f8b6-h3n8t', detail: 'kubelet: Stopping container b' },
    ]);
  });
});
