// The cluster platform: the lab's objects on a real Kubernetes cluster (the lab's own node, its
// kind cluster, or another one named with --context NAME --yes), through kubectl for every change
// and the API server's watch for every lifecycle event. It acts only on the target the safety
// rules allow.
import { monotonicNow } from '../../model/clock.js';
import type { LabEvent } from '../../model/events.js';
import { LAB_NAMESPACE, type K8sObject, type PodInfo } from '../../model/k8s.js';
import type { ClusterInfo, PlatformTraits } from '../../model/traits.js';
import { PlatformError, type Platform } from '../platform.js';
import { writeClusterLogs } from './collect-logs.js';
import { clientNodeApi, kubeConfigFor, type KubeApi } from './kube-api.js';
import * as kubectl from './kubectl.js';
import { deploymentNames, prepareObjects } from './objects.js';
import { execaRunner, type CommandRunner } from './runner.js';
import { confirmationLine, namespaceOwnership, parseKubeconfigView, providerOf, resolveTarget, type Target, type TargetRequest } from './safety.js';
import { corednsCacheSeconds } from './coredns-cache.js';
import { CLUSTER_TRAITS } from './traits.js';
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

export interface ClusterOptions extends TargetRequest {
  /** Where the confirmation line and watch warnings go (stderr by default). */
  print?: (line: string) => void;
}

export interface ClusterDeps {
  runner: CommandRunner;
  /** The API seam for a resolved target. */
  api: (target: Target) => KubeApi;
  now: () => number;
}

/** Any kubectl command without a bound of its own (apply, scale, rollout restart, get): a hung API
 *  server or an admission webhook that never answers must end the run with a clear line, not hang it. */
export const COMMAND_TIMEOUT_MS = 60_000;

const COREDNS_CONFIGMAP_PATH = '/api/v1/namespaces/kube-system/configmaps/coredns';
const PODS_PATH = `/api/v1/namespaces/${LAB_NAMESPACE}/pods`;
// A pod's /stats through the API server's proxy: a pod whose sandbox is gone does not refuse, it
// lets the read wait; the collector reads it again on its next tick.
const POD_READ_TIMEOUT_MS = 5_000;
const SLICES_PATH = `/apis/discovery.k8s.io/v1/namespaces/${LAB_NAMESPACE}/endpointslices`;
const EVENTS_PATH = `/api/v1/namespaces/${LAB_NAMESPACE}/events`;

export class ClusterPlatform implements Platform {
  readonly name: string = 'cluster';
  /** This instance's own copy: up() sets dnsCacheSeconds from the cluster's Corefile. */
  readonly info: PlatformTraits = { ...CLUSTER_TRAITS };
  private readonly deps: ClusterDeps;
  private readonly print: (line: string) => void;
  private target: Target | undefined;
  private kubeApi: KubeApi | undefined;
  /** Set just before the first command that changes the cluster: down() has something to undo. */
  private touched = false;
  private stopWatches: Array<() => void> = [];
  private podEvents: PodEvents | undefined;
  private log: LabEvent[] = [];
  private readonly listeners = new Set<(event: LabEvent) => void>();

  constructor(
    private readonly opts: ClusterOptions = {},
    deps: Partial<ClusterDeps> = {},
  ) {
    this.deps = {
      runner: deps.runner ?? execaRunner,
      api: deps.api ?? ((target) => clientNodeApi(kubeConfigFor(target.context))),
      now: deps.now ?? monotonicNow,
    };
    this.print = opts.print ?? ((line) => process.stderr.write(`${line}\n`));
  }

  private run(argv: string[], input?: string, timeoutMs?: number): Promise<string> {
    return this.deps.runner.run(argv, { ...(input === undefined ? {} : { input }), timeoutMs: timeoutMs ?? COMMAND_TIMEOUT_MS });
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

  async up(objects: K8sObject[], timeoutMs = this.info.timeouts.upMs): Promise<void> {
    const deadline = this.deps.now() + timeoutMs;
    const prepared = prepareObjects(objects, { image: this.opts.image });
    const target = await this.resolve();
    this.print(confirmationLine(target));
    await this.readDnsCache();
    this.unwatch();
    this.log = [];
    await this.deleteLabNamespace(target);
    await this.watch();
    const list = { apiVersion: 'v1', kind: 'List', items: prepared };
    await this.run(kubectl.apply(target), JSON.stringify(list));
    const left = Math.max(1000, deadline - this.deps.now());
    await Promise.all(deploymentNames(prepared).map((d) => this.run(kubectl.rolloutStatus(target, d, left), undefined, left + 5000)));
  }

  /** CoreDNS' cache of Service names, from its ConfigMap; a cluster that does not let the lab read
   *  kube-system keeps the trait's conservative default. */
  private async readDnsCache(): Promise<void> {
    let corefile: string | undefined;
    try {
      corefile = (await this.getJson<{ data?: { Corefile?: string } }>(COREDNS_CONFIGMAP_PATH)).data?.Corefile;
    } catch {
      corefile = undefined;
    }
    if (corefile === undefined) {
      this.print(`cluster: CoreDNS' Corefile not readable; assuming answers are cached up to ${this.info.dnsCacheSeconds} s`);
      return;
    }
    this.info.dnsCacheSeconds = corednsCacheSeconds(corefile);
  }

  /** Deletes a namespace left by an earlier run, and waits until it is gone; refuses one not ours. */
  private async deleteLabNamespace(target: Target): Promise<void> {
    const ownership = namespaceOwnership(await this.run(kubectl.getNamespace(target)), target);
    this.touched = true;
    if (ownership === 'absent') return;
    const timeoutMs = this.info.timeouts.downMs;
    await this.run(kubectl.deleteNamespace(target, timeoutMs), undefined, timeoutMs + 5000);
  }

  private unwatch(): void {
    for (const stop of this.stopWatches.splice(0)) stop();
  }

  /** Fresh trackers each time: a platform brought up again forgets what the previous run showed it. */
  private async watch(): Promise<void> {
    const api = await this.api();
    const pods = new PodEvents();
    this.podEvents = pods;
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
          if (!warned) this.print(`cluster: watching ${what} failed (${err.message}); reconnecting, events may be missing`);
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

  async waitForRollout(deployment: string, timeoutMs = this.info.timeouts.rolloutMs): Promise<void> {
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
    return (list.items ?? []).map((pod) => {
      const info = podInfo(pod);
      const seen = this.podEvents?.firstSeen.get(info.name);
      return seen === undefined ? info : { ...info, createdAt: seen };
    });
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
    return (await this.api()).get(`${PODS_PATH}/${pod}:${port}/proxy/${path.replace(/^\/+/, '')}`, POD_READ_TIMEOUT_MS);
  }

  async clusterInfo(): Promise<ClusterInfo> {
    const target = await this.resolve();
    let serverVersion: string | null = null;
    try {
      serverVersion = (await this.getJson<{ gitVersion?: string }>('/version')).gitVersion ?? null;
    } catch {
      // A report without the version is still a report: the run itself went through this server.
    }
    return { provider: providerOf(target.context), serverVersion, context: target.context };
  }

  /** Reads the namespace as it is: call it before down(), which deletes it. */
  async collectLogs(dir: string): Promise<string[]> {
    if (!this.touched || !this.target) return [];
    const pods = await this.pods().catch(() => [] as PodInfo[]);
    return writeClusterLogs(dir, this.target, pods.map((p) => p.name), this.deps.runner);
  }

  async down(): Promise<void> {
    this.unwatch();
    if (!this.touched || !this.target) return;
    await this.deleteLabNamespace(this.target);
  }
}
