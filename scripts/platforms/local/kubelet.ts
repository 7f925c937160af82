// The local kubelet: each pod is one child process on its own loopback address.
//
// Start: the image's launcher gives the program (images.ts); the process gets the manifest's env
// (container-env.ts) and runs in its own process group, tracked by the ChildGuard. The readiness
// prober (readiness.ts) decides when it is ready: pod-ready / pod-not-ready.
//
// Delete, as the pod-lifecycle docs describe it, all from one instant t0:
//   (a) the pod is Terminating and not ready: the endpoints controller drops it at once, and the
//       EndpointPropagator delays what kube-proxy and DNS see;                    pod-deleted
//   (b) the preStop hook starts (a sleep, the only hook supported);                prestop-started
//   then SIGTERM when the hook returns (or when the grace period runs out first);  sigterm-sent
//   SIGKILL at t0 + terminationGracePeriodSeconds, but never sooner than 2 s after SIGTERM: the
//       kubelet's minimum stop window (minimumGracePeriodInSeconds), which is where the docs'
//       "one-off 2 s extension" for a preStop that outlives the grace period comes from;  sigkill-sent
//   pod-exited "exit code N" or "signal S" when the process ends; the pod is then gone.
//
// restartPolicy Always: a container that exits while its pod is not being deleted becomes not
// ready and is started again (same pod, same IP) after CrashLoopBackOff's delays: the first
// restart at once, then 10 s, 20 s, 40 s ... capped at 300 s; the back-off resets after the
// container ran 10 minutes. Each restart emits pod-restarted "restart count N".
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { monotonicNow } from '../../model/clock.js';
import { PlatformError } from '../platform.js';
import { type PodPhase } from '../../model/k8s.js';
import { ChildGuard } from './child-guard.js';
import { signalGroup } from './signal-group.js';
import { containerEnv } from './container-env.js';
import type { EventInput } from './event-log.js';
import type { Launcher } from './images.js';
import { LogTail } from './log-tail.js';
import type { ConfigMapSpec } from './objects.js';
import type { PodTemplate } from './pod-template.js';
import { PROJECT_ROOT } from './paths.js';
import { ReadinessProber } from './readiness.js';
import { PodFiles } from './volumes.js';

const BACKOFF_MS = [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000];
const BACKOFF_RESET_AFTER_MS = 10 * 60_000;
/** kubelet's minimumGracePeriodInSeconds: SIGTERM always gets at least this long before SIGKILL. */
const MIN_STOP_WINDOW_MS = 2000;

export interface PodRequest {
  name: string;
  namespace: string;
  deployment: string;
  templateHash: string;
  template: PodTemplate;
  launcher: Launcher;
}

export type PodChange = 'ready' | 'not-ready' | 'deleted' | 'exited' | 'gone';

export interface KubeletOptions {
  emit: (event: EventInput) => void;
  allocateIp: () => string;
  dns: { ip: string; port: number };
  /** Where each pod's ConfigMap volumes are written (one directory per pod). */
  workDir: string;
  configMaps: ConfigMapSpec[];
  guard: ChildGuard;
  onPodChange: (pod: Pod, change: PodChange) => void;
}

export class Pod {
  readonly ip: string;
  readonly createdAt = monotonicNow();
  phase: PodPhase = 'Pending';
  ready = false;
  terminating = false;
  restarts = 0;
  /** Index into BACKOFF_MS of the next restart's delay. */
  backoffStep = 0;
  readonly logs = new LogTail();
  process?: ChildProcess;
  startedAt = 0;
  readonly prober: ReadinessProber;
  readonly timers = new Set<NodeJS.Timeout>();
  /** Resolves when the pod is gone (its process exited after a delete). */
  readonly gone: Promise<void>;
  markGone!: () => void;
  deletedAt = 0;
  sigtermSent = false;

  constructor(
    readonly spec: PodRequest,
    ip: string,
    readonly files: PodFiles,
    onReadiness: (pod: Pod, ready: boolean, detail: string) => void,
  ) {
    this.ip = ip;
    this.prober = new ReadinessProber(spec.template.container.readinessProbe, { ip, ports: spec.template.container.ports }, (ready, detail) =>
      onReadiness(this, ready, detail),
    );
    this.gone = new Promise((resolve) => (this.markGone = resolve));
  }

  get name(): string {
    return this.spec.name;
  }

  get labels(): Record<string, string> {
    return this.spec.template.labels;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /**
   * Runs fn once `ms` have passed on the monotonic clock, never sooner: a Node timer counts from
   * the event loop's cached time, which can be a few ms stale, so it may fire early; it re-arms.
   */
  later(ms: number, fn: () => void): void {
    const due = monotonicNow() + ms;
    const arm = (delay: number) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        const left = due - monotonicNow();
        if (left > 0) arm(Math.ceil(left));
        else fn();
      }, delay);
      this.timers.add(timer);
    };
    arm(Math.max(0, ms));
  }

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

export class Kubelet {
  private readonly pods = new Map<string, Pod>();

  constructor(private readonly opts: KubeletOptions) {}

  /** Creates the pod and starts its container at once. */
  create(spec: PodRequest): Pod {
    if (this.pods.has(spec.name)) throw new PlatformError(`pod ${spec.name} already exists`);
    const files = PodFiles.materialise(path.join(this.opts.workDir, spec.name), spec.template, this.opts.configMaps, spec.namespace);
    const pod = new Pod(spec, this.opts.allocateIp(), files, (p, ready, detail) => this.readinessChanged(p, ready, detail));
    this.pods.set(spec.name, pod);
    this.opts.emit({ type: 'pod-created', pod: pod.name, deployment: spec.deployment, detail: pod.ip });
    this.startContainer(pod);
    return pod;
  }

  get(name: string): Pod | undefined {
    return this.pods.get(name);
  }

  list(): Pod[] {
    return [...this.pods.values()];
  }

  /** Deletes the pod as the API server and kubelet do (see the header); returns at once. */
  delete(name: string): void {
    const pod = this.pods.get(name);
    if (!pod || pod.terminating) return;
    const grace = pod.spec.template.terminationGracePeriodSeconds * 1000;
    this.markTerminating(pod, `grace period ${grace / 1000} s`);
    this.startTermination(pod, pod.deletedAt + grace);
    // Only now the rest of the cluster reacts (endpoints, a replacement pod): its work must not
    // delay the preStop hook, which starts at the same instant as the delete.
    this.opts.onPodChange(pod, 'deleted');
    if (!pod.process) this.finish(pod);
  }

  /** Tear-down: every pod gets SIGTERM now (no preStop) and SIGKILL after graceMs. */
  async shutdown(graceMs: number): Promise<void> {
    const pods = this.list();
    for (const pod of pods) {
      if (!pod.terminating) this.markTerminating(pod, 'lab tear-down');
      pod.clearTimers();
      if (!pod.process) this.finish(pod);
      else if (!pod.sigtermSent) this.sendSigterm(pod, monotonicNow() + graceMs, graceMs);
      else {
        // Not what a kubelet does (it signals once), but a tear-down is not a rollout: a process
        // still finishing its first SIGTERM (A lingering for the collector's last read) may go now.
        signalGroup(pod.process.pid!, 'SIGTERM');
        pod.later(graceMs, () => this.sendSigkill(pod));
      }
    }
    await Promise.all(pods.map((p) => p.gone));
  }

  private markTerminating(pod: Pod, detail: string): void {
    pod.terminating = true;
    pod.deletedAt = monotonicNow();
    pod.phase = 'Terminating';
    pod.ready = false;
    pod.prober.stop();
    pod.clearTimers();
    this.opts.emit({ type: 'pod-deleted', pod: pod.name, deployment: pod.spec.deployment, detail });
  }

  /** preStop (if any), then SIGTERM; SIGKILL at the deadline. */
  private startTermination(pod: Pod, deadline: number): void {
    if (!pod.process) return;
    const preStop = pod.spec.template.container.preStop;
    if (!preStop) return this.sendSigterm(pod, deadline);
    this.opts.emit({ type: 'prestop-started', pod: pod.name, deployment: pod.spec.deployment, detail: preStop.description });
    pod.later(Math.min(preStop.seconds * 1000, deadline - monotonicNow()), () => this.sendSigterm(pod, deadline));
  }

  private sendSigterm(pod: Pod, deadline: number, minWindowMs = MIN_STOP_WINDOW_MS): void {
    if (!pod.process) return;
    pod.sigtermSent = true;
    signalGroup(pod.process.pid!, 'SIGTERM');
    this.opts.emit({ type: 'sigterm-sent', pod: pod.name, deployment: pod.spec.deployment });
    const killIn = Math.max(deadline - monotonicNow(), minWindowMs);
    pod.later(killIn, () => this.sendSigkill(pod));
  }

  private sendSigkill(pod: Pod): void {
    if (!pod.process) return;
    signalGroup(pod.process.pid!, 'SIGKILL');
    this.opts.emit({ type: 'sigkill-sent', pod: pod.name, deployment: pod.spec.deployment });
  }

  private startContainer(pod: Pod): void {
    const container = pod.spec.template.container;
    let plan;
    try {
      plan = pod.spec.launcher({ files: pod.files, dns: this.opts.dns });
    } catch (err) {
      pod.logs.note(`cannot start: ${(err as Error).message}`);
      return this.containerExited(pod, undefined, 'failed to start', null);
    }
    const env = containerEnv(container.env, { name: pod.name, namespace: pod.spec.namespace, ip: pod.ip }, this.opts.dns);
    const child = spawn(plan.command, plan.args, { cwd: PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    pod.process = child;
    pod.startedAt = monotonicNow();
    pod.phase = 'Running';
    if (child.pid !== undefined) this.opts.guard.track(child.pid);
    child.stdout!.on('data', (chunk: Buffer) => pod.logs.write('stdout', chunk));
    child.stderr!.on('data', (chunk: Buffer) => pod.logs.write('stderr', chunk));
    let exited = false;
    const onEnd = (detail: string) => {
      if (exited) return;
      exited = true;
      if (child.pid !== undefined) this.opts.guard.untrack(child.pid);
      this.containerExited(pod, child, detail, child.pid ?? null);
    };
    child.on('error', (err) => {
      if (child.pid === undefined) onEnd(`failed to start: ${err.message}`);
    });
    child.on('exit', (code, signal) => onEnd(signal ? `signal ${signal}` : `exit code ${code}`));
    pod.prober.start();
  }

  private containerExited(pod: Pod, child: ChildProcess | undefined, detail: string, pid: number | null): void {
    if (child && pod.process !== child) return;
    pod.process = undefined;
    pod.prober.stop();
    const wasReady = pod.ready;
    pod.ready = false;
    pod.logs.note(`container ${pid ?? ''} ended: ${detail}`);
    this.opts.emit({ type: 'pod-exited', pod: pod.name, deployment: pod.spec.deployment, detail });
    if (pod.terminating) return this.finish(pod);
    if (wasReady) this.opts.emit({ type: 'pod-not-ready', pod: pod.name, deployment: pod.spec.deployment, detail: 'container exited' });
    this.opts.onPodChange(pod, 'exited');
    const ranMs = pod.startedAt ? monotonicNow() - pod.startedAt : 0;
    if (ranMs >= BACKOFF_RESET_AFTER_MS) pod.backoffStep = 0;
    const delay = BACKOFF_MS[Math.min(pod.backoffStep++, BACKOFF_MS.length - 1)];
    pod.later(delay, () => {
      pod.restarts++;
      this.opts.emit({ type: 'pod-restarted', pod: pod.name, deployment: pod.spec.deployment, detail: `restart count ${pod.restarts}` });
      this.startContainer(pod);
    });
  }

  private finish(pod: Pod): void {
    pod.clearTimers();
    pod.prober.stop();
    this.pods.delete(pod.name);
    this.opts.onPodChange(pod, 'gone');
    pod.markGone();
  }

  private readinessChanged(pod: Pod, ready: boolean, detail: string): void {
    if (pod.terminating || !pod.process || pod.ready === ready) return;
    pod.ready = ready;
    this.opts.emit({ type: ready ? 'pod-ready' : 'pod-not-ready', pod: pod.name, deployment: pod.spec.deployment, detail });
    this.opts.onPodChange(pod, ready ? 'ready' : 'not-ready');
  }
}
