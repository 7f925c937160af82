// The embedded local platform: Kubernetes' data path emulated with real processes on loopback
// (DESIGN.md section 4). This file wires the parts together for one up() .. down() lifetime:
//
//   objects.ts  -> DeploymentController -> Kubelet (one process per pod, own 127.N.x.y)
//                                             | ready / not ready / deleted / exited
//                  EndpointsController  <-----+
//                        | ready pods per Service
//        EndpointPropagator 'proxy' (ClusterIP)      EndpointPropagator 'dns' (headless)
//                        | after propagationDelayMs                | after dnsPropagationDelayMs
//                  KubeProxy (VIP listeners)                 ClusterDns (A records)
import http from 'node:http';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng, seedFrom } from '../../../services/shared/rng.js';
import { PlatformError, type Platform } from '../platform.js';
import { type K8sObject, type PodInfo } from '../../model/k8s.js';
import { type LabEvent } from '../../model/events.js';
import { AddressPlan, assertPortFree } from './addresses.js';
import { ChildGuard } from './child-guard.js';
import { ClusterDns } from './cluster-dns.js';
import { DeploymentController, type RolloutStatus } from './deployment-controller.js';
import { EndpointPropagator, type Endpoint } from './endpoints.js';
import { EndpointsController } from './endpoints-controller.js';
import { EventLog } from './event-log.js';
import { resolveImage, type Launcher } from './images.js';
import { KubeProxy, type Backend } from './kube-proxy.js';
import { Kubelet, type Pod } from './kubelet.js';
import { readObjects, type DeploymentSpec, type LabObjects, type ServiceSpec } from './objects.js';
import type { ContainerPort } from './pod-template.js';
import { backendsFor, dnsNames } from './service-routing.js';

export interface LocalPlatformOptions {
  /** The lab's 127.N.0.0/16 (default 10). */
  octet?: number;
  /** Delay before kube-proxy applies an endpoint change (default 1000 ms: its min sync period). */
  propagationDelayMs?: number;
  /** Delay before DNS applies an endpoint change (default 1000 ms, see the README). */
  dnsPropagationDelayMs?: number;
  /** TTL of every DNS answer (default 30 s, kind's CoreDNS). */
  dnsTtlSeconds?: number;
  /** Seed for kube-proxy's backend choice and pod names (default: random). */
  seed?: number;
  /** down(): SIGTERM, then SIGKILL after this long (default 1000 ms; tear-down is not a rollout). */
  teardownGraceMs?: number;
}

const DEFAULT_UP_TIMEOUT_MS = 120_000;
const HTTP_TIMEOUT_MS = 5000;

export class LocalPlatform implements Platform {
  readonly name = 'local' as const;
  readonly addresses: AddressPlan;
  readonly seed: number;
  private readonly opts: Required<Omit<LocalPlatformOptions, 'octet' | 'seed'>>;
  private readonly log = new EventLog();
  private lab?: Lab;
  private downing?: Promise<void>;

  constructor(opts: LocalPlatformOptions = {}) {
    this.addresses = new AddressPlan(opts.octet);
    this.seed = opts.seed ?? randomInt(1, 2 ** 31);
    this.opts = {
      propagationDelayMs: opts.propagationDelayMs ?? 1000,
      dnsPropagationDelayMs: opts.dnsPropagationDelayMs ?? 1000,
      dnsTtlSeconds: opts.dnsTtlSeconds ?? 30,
      teardownGraceMs: opts.teardownGraceMs ?? 1000,
    };
  }

  async up(objects: K8sObject[], timeoutMs = DEFAULT_UP_TIMEOUT_MS): Promise<void> {
    if (this.lab || this.downing) throw new PlatformError('the local platform is already up: call down() first');
    const lab = readObjects(objects);
    // Every image is checked before anything starts: a missing binary or build is one line.
    const launchers = new Map(lab.deployments.map((d) => [d.name, resolveImage(d.template.container, `Deployment/${d.name}`)]));
    this.log.clear();
    this.lab = new Lab(lab, launchers, this.addresses, this.log, this.seed, this.opts);
    try {
      await this.lab.start(timeoutMs);
    } catch (err) {
      await this.down();
      throw err;
    }
  }

  async rolloutRestart(deployment: string): Promise<void> {
    this.running().controller.rolloutRestart(deployment);
  }

  async waitForRollout(deployment: string, timeoutMs = DEFAULT_UP_TIMEOUT_MS): Promise<void> {
    await this.running().controller.waitForRollout(deployment, timeoutMs);
  }

  async scale(deployment: string, replicas: number): Promise<void> {
    this.running().controller.scale(deployment, replicas);
  }

  async pods(): Promise<PodInfo[]> {
    return (this.lab?.kubelet.list() ?? []).map(podInfo);
  }

  onEvent(listener: (event: LabEvent) => void): () => void {
    return this.log.subscribe(listener);
  }

  events(): LabEvent[] {
    return this.log.events();
  }

  async httpGet(pod: string, port: number, urlPath: string): Promise<string> {
    const p = this.pod(pod);
    return get(`http://${p.ip}:${port}${urlPath.startsWith('/') ? '' : '/'}${urlPath}`);
  }

  down(): Promise<void> {
    this.downing ??= this.teardown().finally(() => (this.downing = undefined));
    return this.downing;
  }

  // ---- beyond the Platform interface: what kubectl would show, for tests and diagnostics ----

  /** Like `kubectl delete pod NAME --wait=false`; the ReplicaSet replaces it at once. */
  async deletePod(pod: string): Promise<void> {
    this.pod(pod);
    this.running().kubelet.delete(pod);
  }

  /** The pod's current container process id (undefined while it is restarting or gone). */
  pid(pod: string): number | undefined {
    return this.lab?.kubelet.get(pod)?.pid;
  }

  /** The last lines the pod's processes wrote (stdout, stderr, and the kubelet's notes). */
  podLogs(pod: string): string[] {
    return this.pod(pod).logs.get();
  }

  /** Resolves once kube-proxy and DNS show every Service's current endpoints (no change in flight). */
  async waitForPropagation(): Promise<void> {
    await this.running().propagated();
  }

  rolloutStatus(deployment: string): RolloutStatus {
    return this.running().controller.status(deployment);
  }

  /** A ClusterIP Service's virtual IP (undefined for a headless one). */
  clusterIp(service: string): string | undefined {
    return this.running().vips.get(service);
  }

  /** What kube-proxy routes new connections to, now, for a ClusterIP Service port. */
  proxyBackends(service: string, port: number): Backend[] {
    const vip = this.clusterIp(service);
    if (!vip) throw new PlatformError(`no ClusterIP Service ${service}`);
    return this.running().proxy.backends(vip, port);
  }

  /** Where the pods' ConfigMap volumes are written (removed by down(), or by the watchdog). */
  tempDir(): string | undefined {
    return this.lab?.workDir;
  }

  /** Every process the lab runs now: pods and the watchdog. */
  childPids(): number[] {
    const lab = this.lab;
    if (!lab) return [];
    const pods = lab.kubelet.list().flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
    return lab.guard.watchdogPid === undefined ? pods : [...pods, lab.guard.watchdogPid];
  }

  private async teardown(): Promise<void> {
    const lab = this.lab;
    if (!lab) return;
    try {
      await lab.close(this.opts.teardownGraceMs);
    } finally {
      this.lab = undefined;
    }
  }

  private running(): Lab {
    if (!this.lab) throw new PlatformError('the local platform is not up');
    return this.lab;
  }

  private pod(name: string): Pod {
    const pod = this.lab?.kubelet.get(name);
    if (!pod) throw new PlatformError(`no pod ${name}`);
    return pod;
  }
}

/** Everything one up() started, and the order to stop it in. */
class Lab {
  readonly guard = new ChildGuard();
  readonly dns: ClusterDns;
  readonly proxy: KubeProxy;
  readonly kubelet: Kubelet;
  readonly controller: DeploymentController;
  readonly vips = new Map<string, string>();
  /** The watchdog removes it only under this exact prefix: keep them in step. */
  readonly workDir = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-local-'));
  private readonly podPorts = new Map<string, ContainerPort[]>();
  private readonly usedNames = new Set<string>();
  private readonly propagators: { proxy: EndpointPropagator; dns: EndpointPropagator };
  private readonly endpoints: EndpointsController;
  /** Per service: the endpoints last published, and what its view has applied so far. */
  private readonly published = new Map<string, string>();
  private readonly applied = new Map<string, string>();
  private viewWaiters: Array<() => void> = [];

  constructor(
    private readonly objects: LabObjects,
    private readonly launchers: Map<string, Launcher>,
    private readonly addresses: AddressPlan,
    log: EventLog,
    seed: number,
    opts: Required<Omit<LocalPlatformOptions, 'octet' | 'seed'>>,
  ) {
    const proxyRandom = new Rng(seed);
    const nameRandom = new Rng(seedFrom('pod-names', seed));
    this.dns = new ClusterDns({ ...addresses.dns, ttlSeconds: opts.dnsTtlSeconds });
    this.proxy = new KubeProxy({ random: () => proxyRandom.next() });
    // kube-proxy ignores headless Services and DNS answers a ClusterIP Service's VIP whatever its
    // endpoints: each kind of Service has exactly one view, so the timeline never claims a change
    // that nothing applied.
    this.propagators = { proxy: new EndpointPropagator({ emit: log.emit }), dns: new EndpointPropagator({ emit: log.emit }) };
    this.propagators.proxy.addView('proxy', opts.propagationDelayMs, (svc, eps) => this.applyToProxy(svc, eps));
    this.propagators.dns.addView('dns', opts.dnsPropagationDelayMs, (svc, eps) => this.applyToDns(svc, eps));
    this.endpoints = new EndpointsController(objects.services, (svc, eps) => {
      this.published.set(svc.name, JSON.stringify(eps));
      this.propagators[svc.headless ? 'dns' : 'proxy'].update(svc.name, eps);
    });
    this.kubelet = new Kubelet({
      emit: log.emit,
      allocateIp: () => addresses.nextPodIp(),
      dns: addresses.dns,
      workDir: this.workDir,
      configMaps: objects.configMaps,
      guard: this.guard,
      onPodChange: () => this.podsChanged(),
    });
    this.controller = new DeploymentController(
      {
        activePods: (d) =>
          this.kubelet
            .list()
            .filter((p) => p.spec.deployment === d && !p.terminating)
            .map((p) => ({ name: p.name, hash: p.spec.templateHash, ready: p.ready, createdAt: p.createdAt })),
        podExists: (name) => this.usedNames.has(name),
        create: (d, name, hash) => this.createPod(d, name, hash),
        remove: (name) => this.kubelet.delete(name),
      },
      log.emit,
      () => nameRandom.next(),
    );
  }

  async start(timeoutMs: number): Promise<void> {
    const { ip, port } = this.addresses.dns;
    await assertPortFree(ip, port, 'cluster DNS', 'udp');
    await assertPortFree(ip, port, 'cluster DNS', 'tcp');
    await this.dns.start();
    this.guard.start(this.workDir);
    const clusterIpServices = this.objects.services.filter((s) => !s.headless);
    for (const [index, svc] of clusterIpServices.entries()) {
      const vip = this.addresses.serviceIp(index);
      this.vips.set(svc.name, vip);
      for (const p of svc.ports) await this.proxy.addServicePort(vip, p.port);
      for (const name of dnsNames(svc)) this.dns.setRecords(name, [vip]);
    }
    for (const d of this.objects.deployments) this.controller.add(d);
    this.podsChanged();
    await Promise.all(this.objects.deployments.map((d) => this.controller.waitForRollout(d.name, timeoutMs).catch((err: Error) => this.explain(d.name, err))));
    // A measurement that starts after up() must not see the start-up's propagation lag.
    await this.propagated();
  }

  /** Resolves once kube-proxy and DNS show every Service's current endpoints. */
  propagated(): Promise<void> {
    if (this.caughtUp()) return Promise.resolve();
    return new Promise((resolve) => this.viewWaiters.push(resolve));
  }

  private caughtUp(): boolean {
    return [...this.published].every(([service, key]) => this.applied.get(service) === key);
  }

  private viewApplied(service: string, endpoints: Endpoint[]): void {
    this.applied.set(service, JSON.stringify(endpoints));
    if (!this.caughtUp()) return;
    const waiters = this.viewWaiters;
    this.viewWaiters = [];
    for (const w of waiters) w();
  }

  /** A rollout that timed out, with what its first unready pod last said: one line. */
  private explain(deployment: string, err: Error): never {
    const stuck = this.kubelet.list().find((p) => p.spec.deployment === deployment && !p.ready && !p.terminating);
    if (!stuck) throw err;
    const lastLine = stuck.logs.get().filter((l) => l.trim() !== '').pop() ?? 'no output';
    throw new PlatformError(`${err.message}; pod ${stuck.name}: probe "${stuck.prober.last}", restarts ${stuck.restarts}, last output: ${lastLine.slice(0, 300)}`);
  }

  async close(graceMs: number): Promise<void> {
    this.controller.stop();
    this.propagators.proxy.stop();
    this.propagators.dns.stop();
    for (const w of this.viewWaiters.splice(0)) w();
    try {
      await this.kubelet.shutdown(graceMs);
      await this.proxy.close();
      await this.dns.stop();
    } finally {
      this.guard.stop();
      rmSync(this.workDir, { recursive: true, force: true });
    }
  }

  private createPod(d: DeploymentSpec, name: string, hash: string): void {
    this.usedNames.add(name);
    this.podPorts.set(name, d.template.container.ports);
    this.kubelet.create({ name, namespace: d.namespace, deployment: d.name, templateHash: hash, template: d.template, launcher: this.launchers.get(d.name)! });
  }

  private podsChanged(): void {
    this.endpoints.sync(this.kubelet.list().map((p) => ({ name: p.name, namespace: p.spec.namespace, labels: p.labels, ip: p.ip, ready: p.ready, terminating: p.terminating })));
    this.controller.reconcile();
  }

  private service(name: string): ServiceSpec {
    return this.objects.services.find((s) => s.name === name)!;
  }

  private applyToProxy(service: string, endpoints: Endpoint[]): void {
    const svc = this.service(service);
    const vip = this.vips.get(service)!;
    for (const p of svc.ports) this.proxy.setBackends(vip, p.port, backendsFor(p, endpoints, (pod) => this.podPorts.get(pod) ?? []));
    this.viewApplied(service, endpoints);
  }

  private applyToDns(service: string, endpoints: Endpoint[]): void {
    const names = dnsNames(this.service(service));
    for (const name of names) {
      if (endpoints.length === 0) this.dns.deleteName(name);
      else this.dns.setRecords(name, endpoints.map((e) => e.ip));
    }
    this.viewApplied(service, endpoints);
  }
}

function podInfo(p: Pod): PodInfo {
  return {
    name: p.name,
    deployment: p.spec.deployment,
    app: p.labels.app ?? p.spec.deployment,
    ip: p.ip,
    phase: p.phase,
    ready: p.ready,
    createdAt: p.createdAt,
    restarts: p.restarts,
  };
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: HTTP_TIMEOUT_MS, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 400) reject(new PlatformError(`GET ${url}: HTTP ${res.statusCode} ${body.split('\n')[0].slice(0, 200)}`));
        else resolve(body);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${HTTP_TIMEOUT_MS} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => reject(new PlatformError(`GET ${url}: ${err.code ?? err.message}`)));
  });
}
