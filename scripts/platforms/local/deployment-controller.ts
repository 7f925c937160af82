// The deployment controller and the ReplicaSet controller in one: keeps each Deployment's pods at
// its replicas, rolls a new pod template out within maxSurge / maxUnavailable (rollout.ts), and
// answers `kubectl rollout status`. It reconciles on every change the kubelet reports (a pod
// became ready or not, was deleted, exited), synchronously, so no step is ever skipped.
//
// Timeline: rollout-started (detail: the pod-template-hash change), rollout-completed, scaled.
import { PlatformError } from '../platform.js';
import type { EventInput } from './event-log.js';
import type { Json } from './manifest-fields.js';
import { resolveFenceposts, type DeploymentSpec } from './objects.js';
import { podName, templateHash } from './pod-names.js';
import { isRolledOut, planStep, type PodView } from './rollout.js';

/** What the controller needs from the pods of the cluster. */
export interface PodRuntime {
  /** Pods of the deployment that are not terminating. */
  activePods(deployment: string): PodView[];
  podExists(name: string): boolean;
  create(deployment: DeploymentSpec, name: string, hash: string): void;
  remove(name: string): void;
}

/** kubectl rollout restart sets this template annotation to the current time. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

interface Managed {
  spec: DeploymentSpec;
  template: Json;
  hash: string;
  rollingOut: boolean;
  waiters: Waiter[];
}

interface Waiter {
  done: () => void;
  fail: (err: Error) => void;
}

export interface RolloutStatus {
  replicas: number;
  updated: number;
  ready: number;
  old: number;
  complete: boolean;
}

export class DeploymentController {
  private readonly deployments = new Map<string, Managed>();
  private reconciling = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly runtime: PodRuntime,
    private readonly emit: (event: EventInput) => void,
    private readonly random: () => number,
  ) {}

  add(spec: DeploymentSpec): void {
    if (this.deployments.has(spec.name)) throw new PlatformError(`deployment ${spec.name} already exists`);
    const hash = templateHash(spec.rawTemplate);
    this.deployments.set(spec.name, { spec, template: spec.rawTemplate, hash, rollingOut: true, waiters: [] });
    this.emit({ type: 'rollout-started', deployment: spec.name, detail: `pod-template-hash ${hash}, replicas ${spec.replicas}` });
    this.reconcile();
  }

  /** Like `kubectl rollout restart`: a new restartedAt annotation, so a new template hash. */
  rolloutRestart(name: string): void {
    const d = this.get(name);
    const metadata = (d.template.metadata ?? {}) as Json;
    const annotations = { ...((metadata.annotations ?? {}) as Record<string, string>), [RESTARTED_AT]: new Date().toISOString() };
    d.template = { ...d.template, metadata: { ...metadata, annotations } };
    const before = d.hash;
    d.hash = templateHash(d.template);
    d.rollingOut = true;
    this.emit({ type: 'rollout-started', deployment: name, detail: `pod-template-hash ${before} -> ${d.hash}` });
    this.reconcile();
  }

  /** Like `kubectl scale --replicas=N`. */
  scale(name: string, replicas: number): void {
    if (!Number.isInteger(replicas) || replicas < 0) throw new PlatformError(`replicas must be a whole number >= 0, got ${replicas}`);
    const d = this.get(name);
    const before = d.spec.replicas;
    d.spec = { ...d.spec, replicas };
    this.emit({ type: 'scaled', deployment: name, detail: `replicas ${before} -> ${replicas}` });
    this.reconcile();
  }

  status(name: string): RolloutStatus {
    const d = this.get(name);
    const pods = this.runtime.activePods(name);
    const current = pods.filter((p) => p.hash === d.hash);
    return {
      replicas: d.spec.replicas,
      updated: current.length,
      ready: current.filter((p) => p.ready).length,
      old: pods.length - current.length,
      complete: isRolledOut(pods, d.hash, d.spec.replicas),
    };
  }

  /** Like `kubectl rollout status`: resolves once the current template is fully rolled out. */
  waitForRollout(name: string, timeoutMs: number): Promise<void> {
    const d = this.get(name);
    if (this.status(name).complete) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        done: () => (clearTimeout(timer), resolve()),
        fail: (err) => (clearTimeout(timer), reject(err)),
      };
      const timer = setTimeout(() => {
        d.waiters = d.waiters.filter((w) => w !== waiter);
        const s = this.status(name);
        reject(new PlatformError(`deployment ${name} did not roll out within ${Math.round(timeoutMs / 1000)} s: ${s.ready}/${s.replicas} updated pods ready, ${s.old} old pods left`));
      }, timeoutMs);
      d.waiters.push(waiter);
    });
  }

  /** Brings every deployment one step closer to its spec; safe to call from any pod change. */
  reconcile(): void {
    if (this.stopped) return;
    if (this.reconciling) {
      this.again = true;
      return;
    }
    this.reconciling = true;
    try {
      do {
        this.again = false;
        for (const d of this.deployments.values()) this.step(d);
      } while (this.again);
    } finally {
      this.reconciling = false;
    }
  }

  /** No more pods are created or deleted (the lab is going down); pending waits fail. */
  stop(): void {
    this.stopped = true;
    for (const d of this.deployments.values()) {
      for (const w of d.waiters) w.fail(new PlatformError(`deployment ${d.spec.name}: the local platform went down during the rollout`));
      d.waiters = [];
    }
  }

  private step(d: Managed): void {
    const name = d.spec.name;
    const pods = this.runtime.activePods(name);
    const plan = planStep(pods, d.hash, d.spec.replicas, resolveFenceposts(d.spec, d.spec.replicas));
    // The new ReplicaSet scales up before the old ones scale down, as in rolloutRolling.
    for (let i = 0; i < plan.create; i++) this.runtime.create(d.spec, this.newName(name, d.hash), d.hash);
    for (const pod of plan.remove) this.runtime.remove(pod);
    if (!this.status(name).complete) return;
    if (d.rollingOut) {
      d.rollingOut = false;
      this.emit({ type: 'rollout-completed', deployment: name, detail: `pod-template-hash ${d.hash}, replicas ${d.spec.replicas}` });
    }
    const waiters = d.waiters;
    d.waiters = [];
    for (const w of waiters) w.done();
  }

  private newName(deployment: string, hash: string): string {
    for (;;) {
      const name = podName(deployment, hash, this.random);
      if (!this.runtime.podExists(name)) return name;
    }
  }

  private get(name: string): Managed {
    const d = this.deployments.get(name);
    if (!d) throw new PlatformError(`no deployment ${name} (deployments: ${[...this.deployments.keys()].join(', ') || 'none'})`);
    return d;
  }
}
