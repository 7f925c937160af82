// What `kubectl` (and ps) would show of a running local lab, beyond the Platform interface: the
// tests that prove the emulation and the diagnostics of a person use it. One object, so the
// Platform a run talks to stays the interface every platform shares.
import { PlatformError } from '../platform.js';
import type { AddressPlan } from './addresses.js';
import type { RolloutStatus } from './deployment-controller.js';
import type { Backend } from './kube-proxy.js';
import type { Pod } from './kubelet.js';
import type { Lab } from './lab.js';

export class LocalInspection {
  constructor(
    private readonly lab: () => Lab | undefined,
    /** The lab's addresses: its cluster DNS, pods and ClusterIPs. */
    readonly addresses: AddressPlan,
    /** The seed of kube-proxy's choices and the pod names. */
    readonly seed: number,
  ) {}

  /** Like `kubectl delete pod NAME --wait=false`; the ReplicaSet replaces it at once. */
  async deletePod(pod: string): Promise<void> {
    this.pod(pod);
    this.running().kubelet.delete(pod);
  }

  /** The pod's current container process id (undefined while it is restarting or gone). */
  pid(pod: string): number | undefined {
    return this.lab()?.kubelet.get(pod)?.pid;
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
    return this.lab()?.workDir;
  }

  /** Every process the lab runs now: pods and the watchdog. */
  childPids(): number[] {
    const lab = this.lab();
    if (!lab) return [];
    const pods = lab.kubelet.list().flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
    return lab.guard.watchdogPid === undefined ? pods : [...pods, lab.guard.watchdogPid];
  }

  private running(): Lab {
    const lab = this.lab();
    if (!lab) throw new PlatformError('the local platform is not up');
    return lab;
  }

  private pod(name: string): Pod {
    const pod = this.lab()?.kubelet.get(name);
    if (!pod) throw new PlatformError(`no pod ${name}`);
    return pod;
  }
}
