// Everything one up() of the local platform starts, wired together, and the order to stop it in:
//
//   objects.ts  -> DeploymentController -> Kubelet (one process per pod, own 127.N.x.y)
//                                             | ready / not ready / deleted / exited
//                  EndpointsController  <-----+
//                        | ready pods per Service
//        EndpointPropagator 'proxy' (ClusterIP)      EndpointPropagator 'dns' (headless)
//                        | after propagationDelayMs                | after dnsPropagationDelayMs
//                  KubeProxy (VIP listeners)                 ClusterDns (A records)
import { rmSync } from 'node:fs';
import type { PodInfo } from '../../model/k8s.js';
import { Rng, seedFrom } from '../../../services/shared/rng.js';
import { PlatformError } from '../platform.js';
import { assertPortFree, type AddressPlan } from './addresses.js';
import { ChildGuard } from './child-guard.js';
import { ClusterDns } from './cluster-dns.js';
import { DeploymentController } from './deployment-controller.js';
import { EndpointPropagator, type Endpoint } from './endpoints.js';
import { EndpointsController } from './endpoints-controller.js';
import type { EventLog } from './event-log.js';
import type { Launcher } from './images.js';
import { KubeProxy } from './kube-proxy.js';
import { Kubelet, type Pod } from './kubelet.js';
import type { LogTail } from './log-tail.js';
import type { DeploymentSpec, LabObjects, ServiceSpec } from './objects.js';
import type { ContainerPort } from './pod-template.js';
import { backendsFor, dnsNames } from './service-routing.js';
import { makeWorkDir } from './work-dir.js';

/** The timings a lab runs with (see LocalPlatformOptions). */
export interface LabTimings {
  propagationDelayMs: number;
  dnsPropagationDelayMs: number;
  dnsTtlSeconds: number;
  teardownGraceMs: number;
}

/** Everything one up() started, and the order to stop it in. */
export class Lab {
  readonly guard = new ChildGuard();
  readonly dns: ClusterDns;
  readonly proxy: KubeProxy;
  readonly kubelet: Kubelet;
  readonly controller: DeploymentController;
  readonly vips = new Map<string, string>();
  /** Under TMPDIR; a TMPDIR that cannot hold it is one PlatformError line (work-dir.ts). */
  readonly workDir = makeWorkDir();
  /** Every pod's log tail, also of pods already gone: what collectLogs() writes. */
  readonly podLogs = new Map<string, LogTail>();
  private readonly podPorts = new Map<string, ContainerPort[]>();
  private readonly usedNames = new Set<string>();
  private readonly propagators: { proxy: EndpointPropagator; dns: EndpointPropagator };
  private readonly endpoints: EndpointsController;
  /** Per service: the endpoints last published, and what its view has applied so far. */
  private readonly published = new Map<string, string>();
  private readonly applied = new Map<string, string>();
  private viewWaiters: Array<() => void> = [];
  /** Set by interruptStart() and close(): a start-up under way stops at its next step. */
  private closed = false;

  constructor(
    private readonly objects: LabObjects,
    private readonly launchers: Map<string, Launcher>,
    private readonly addresses: AddressPlan,
    log: EventLog,
    seed: number,
    opts: LabTimings,
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
    await this.assertPodAddressesFree();
    this.assertOpen();
    await this.dns.start();
    this.guard.start(this.workDir);
    const clusterIpServices = this.objects.services.filter((s) => !s.headless);
    for (const [index, svc] of clusterIpServices.entries()) {
      const vip = this.addresses.serviceIp(index);
      this.vips.set(svc.name, vip);
      for (const p of svc.ports) {
        this.assertOpen();
        await this.proxy.addServicePort(vip, p.port);
      }
      for (const name of dnsNames(svc)) this.dns.setRecords(name, [vip]);
    }
    this.assertOpen();
    for (const d of this.objects.deployments) this.controller.add(d);
    this.podsChanged();
    await Promise.all(this.objects.deployments.map((d) => this.controller.waitForRollout(d.name, timeoutMs).catch((err: Error) => this.explain(d.name, err))));
    // A measurement that starts after up() must not see the start-up's propagation lag.
    await this.propagated();
  }

  /**
   * The addresses and ports the first pods will bind, checked before any starts: a pod that finds
   * its address taken would only crash-loop until the rollout timed out.
   */
  private async assertPodAddressesFree(): Promise<void> {
    const pods = this.objects.deployments.reduce((n, d) => n + d.replicas, 0);
    const ports = [...new Set(this.objects.deployments.flatMap((d) => d.template.container.ports.map((p) => p.containerPort)))];
    for (const podIp of this.addresses.upcomingPodIps(pods)) {
      for (const p of ports) await assertPortFree(podIp, p, 'a pod');
    }
  }

  /** An interruptStart() during start() ends the start-up at its next step. */
  private assertOpen(): void {
    if (this.closed) throw new PlatformError('the local platform was torn down during its start-up');
  }

  /**
   * Ends a start() under way as soon as it can (Ctrl-C during bring-up): its rollout waits fail at
   * once, so start() rejects within a step, and close() then stops whatever it had started.
   */
  interruptStart(): void {
    this.closed = true;
    this.controller.stop();
    for (const w of this.viewWaiters.splice(0)) w();
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
    this.closed = true;
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
    const pod = this.kubelet.create({ name, namespace: d.namespace, deployment: d.name, templateHash: hash, template: d.template, launcher: this.launchers.get(d.name)! });
    this.podLogs.set(name, pod.logs);
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

export function podInfo(p: Pod): PodInfo {
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
