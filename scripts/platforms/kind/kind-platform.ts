// The kind platform: the lab's objects on a real cluster, through kubectl for every change and the
// API server's watch for every lifecycle event. It acts only on the target the safety rules allow.
import { LAB_NAMESPACE, type K8sObject, type PodInfo } from '../../model/k8s.js';
import { monotonicNow } from '../../model/clock.js';
import { PlatformError, type Platform } from '../platform.js';
import { type LabEvent } from '../../model/events.js';
import { clientNodeApi, kubeConfigFor, type KubeApi } from './kube-api.js';
import * as kubectl from './kubectl.js';
import { deploymentNames, prepareObjects } from './objects.js';
import { execaRunner, type CommandRunner } from './runner.js';
import { confirmationLine, namespaceOwnership, parseKubeconfigView, resolveTarget, type Target, type TargetRequest } from './safety.js';
import {
  EndpointSliceEvents,
  KubeletEvents,
  PodEvents,
  podInfo,
  type EndpointSliceJson,
  type KubeEventJson,
  type PodJson,
  type WatchType,
} from './watch-events.js';

export interface KindOptions extends TargetRequest {
  /** Where the confirmation line and watch warnings go (stderr by default). */
  print?: (line: string) => void;
}

export interface KindDeps {
  runner: CommandRunner;
  /** The API seam for a resolved target. */
  api: (target: Target) => KubeApi;
  now: () => number;
}

const DEFAULT_UP_TIMEOUT_MS = 300_000;
const DEFAULT_ROLLOUT_TIMEOUT_MS = 180_000;
const NAMESPACE_DELETE_TIMEOUT_MS = 120_000;

const PODS_PATH = `/api/v1/namespaces/${LAB_NAMESPACE}/pods`;
const SLICES_PATH = `/apis/discovery.k8s.io/v1/namespaces/${LAB_NAMESPACE}/endpointslices`;
const EVENTS_PATH = `/api/v1/namespaces/${LAB_NAMESPACE}/events`;

export class KindPlatform implements Platform {
  readonly name = 'kind' as const;
  private readonly deps: KindDeps;
  private readonly print: (line: string) => void;
  private target: Target | undefined;
  private kubeApi: KubeApi | undefined;
  /** Set just before the first command that changes the cluster: down() has something to undo. */
  private touched = false;
  private stopWatches: Array<() => void> = [];
  private log: LabEvent[] = [];
  private readonly listeners = new Set<(event: LabEvent) => void>();

  constructor(
    private readonly opts: KindOptions = {},
    deps: Partial<KindDeps> = {},
  ) {
    this.deps = {
      runner: deps.runner ?? execaRunner,
      api: deps.api ?? ((target) => clientNodeApi(kubeConfigFor(target.context))),
      now: deps.now ?? monotonicNow,
    };
    this.print = opts.print ?? ((line) => process.stderr.write(`${line}\n`));
  }

  private run(argv: string[], input?: string, timeoutMs?: number): Promise<string> {
    return this.deps.runner.run(argv, { ...(input === undefined ? {} : { input }), ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  }

  private async resolve(): Promise<Target> {
    this.target ??= resolveTarget(this.opts, parseKubeconfigView(await this.run(kubectl.configView())));
    return this.target;
  }

  private async api(): Promise<KubeApi> {
    this.kubeApi ??= this.deps.api(await this.resolve());
    return this.kubeApi;
  }

  private async getJson<T>(path: string): Promise<T> {
    const body = await (await this.api()).get(path);
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new PlatformError(`GET ${path}: the API server did not answer JSON`);
    }
  }

  private emit(event: LabEvent): void {
    this.log.push(event);
    for (const listener of this.listeners) listener(event);
  }

  async up(objects: K8sObject[], timeoutMs = DEFAULT_UP_TIMEOUT_MS): Promise<void> {
    const deadline = this.deps.now() + timeoutMs;
    const prepared = prepareObjects(objects, { image: this.opts.image });
    const target = await this.resolve();
    this.print(confirmationLine(target));
    this.unwatch();
    this.log = [];
    await this.deleteLabNamespace(target);
    await this.watch();
    const list = { apiVersion: 'v1', kind: 'List', items: prepared };
    await this.run(kubectl.apply(target), JSON.stringify(list));
    const left = Math.max(1000, deadline - this.deps.now());
    await Promise.all(deploymentNames(prepared).map((d) => this.run(kubectl.rolloutStatus(target, d, left), undefined, left + 5000)));
  }

  /** Deletes a namespace left by an earlier run, and waits until it is gone; refuses one not ours. */
  private async deleteLabNamespace(target: Target): Promise<void> {
    const ownership = namespaceOwnership(await this.run(kubectl.getNamespace(target)), target);
    this.touched = true;
    if (ownership === 'absent') return;
    await this.run(kubectl.deleteNamespace(target, NAMESPACE_DELETE_TIMEOUT_MS), undefined, NAMESPACE_DELETE_TIMEOUT_MS + 5000);
  }

  private unwatch(): void {
    for (const stop of this.stopWatches.splice(0)) stop();
  }

  /** Fresh trackers each time: a platform brought up again forgets what the previous run showed it. */
  private async watch(): Promise<void> {
    const api = await this.api();
    const pods = new PodEvents();
    const slices = new EndpointSliceEvents();
    const kubelet = new KubeletEvents((pod) => pods.hasPreStop(pod));
    const sources: Array<[string, string, (type: WatchType, obj: unknown, t: number) => LabEvent[]]> = [
      ['pods', PODS_PATH, (type, obj, t) => pods.apply(type, obj as PodJson, t)],
      ['EndpointSlices', SLICES_PATH, (type, obj, t) => slices.apply(type, obj as EndpointSliceJson, t)],
      ['events', EVENTS_PATH, (type, obj, t) => kubelet.apply(type, obj as KubeEventJson, t)],
    ];
    for (const [what, path, translate] of sources) {
      let warned = false;
      const stop = await api.watch(
        path,
        (type, obj) => translate(type, obj, this.deps.now()).forEach((e) => this.emit(e)),
        (err) => {
          if (!warned) this.print(`kind: watching ${what} failed (${err.message}); reconnecting, events may be missing`);
          warned = true;
        },
      );
      this.stopWatches.push(stop);
    }
  }

  async rolloutRestart(deployment: string): Promise<void> {
    await this.run(kubectl.rolloutRestart(await this.resolve(), deployment));
    this.emit({ t: this.deps.now(), type: 'rollout-started', deployment });
  }

  async waitForRollout(deployment: string, timeoutMs = DEFAULT_ROLLOUT_TIMEOUT_MS): Promise<void> {
    await this.run(kubectl.rolloutStatus(await this.resolve(), deployment, timeoutMs), undefined, timeoutMs + 5000);
    this.emit({ t: this.deps.now(), type: 'rollout-completed', deployment });
  }

  async scale(deployment: string, replicas: number): Promise<void> {
    const target = await this.resolve();
    const current = await this.getJson<{ spec?: { replicas?: number } }>(`/apis/apps/v1/namespaces/${LAB_NAMESPACE}/deployments/${deployment}`);
    await this.run(kubectl.scale(target, deployment, replicas));
    this.emit({ t: this.deps.now(), type: 'scaled', deployment, detail: `replicas ${current.spec?.replicas ?? '?'} -> ${replicas}` });
  }

  async pods(): Promise<PodInfo[]> {
    const list = await this.getJson<{ items?: PodJson[] }>(PODS_PATH);
    return (list.items ?? []).map(podInfo);
  }

  onEvent(listener: (event: LabEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  events(): LabEvent[] {
    return [...this.log];
  }

  /** Through the API server's pod proxy: the only way in to a pod that needs no port-forward. */
  async httpGet(pod: string, port: number, path: string): Promise<string> {
    return (await this.api()).get(`${PODS_PATH}/${pod}:${port}/proxy/${path.replace(/^\/+/, '')}`);
  }

  async down(): Promise<void> {
    this.unwatch();
    if (!this.touched || !this.target) return;
    await this.deleteLabNamespace(this.target);
  }
}

export function createKindPlatform(opts: KindOptions = {}, deps: Partial<KindDeps> = {}): KindPlatform {
  return new KindPlatform(opts, deps);
}
