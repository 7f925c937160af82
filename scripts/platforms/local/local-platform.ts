// The embedded local platform: Kubernetes' data path emulated with real processes on loopback
// (lab.ts wires the parts). This file is the Platform one run talks to, for one up() .. down()
// lifetime at a time; what tests and diagnostics look at beyond it is behind `inspection`.
import { randomInt } from 'node:crypto';
import type { LabEvent } from '../../model/events.js';
import type { K8sObject, PodInfo } from '../../model/k8s.js';
import type { ClusterInfo } from '../../model/traits.js';
import { httpGet } from '../../lib/http-get.js';
import { firstLine } from '../../lib/text.js';
import { PlatformError, type Platform } from '../platform.js';
import { AddressPlan } from './addresses.js';
import { writeLocalLogs } from './collect-logs.js';
import { DEFAULT_DNS_PROPAGATION_DELAY_MS, DEFAULT_PROPAGATION_DELAY_MS } from './endpoints.js';
import { EventLog } from './event-log.js';
import { resolveImage } from './images.js';
import { LocalInspection } from './inspection.js';
import { Lab, podInfo, type LabTimings } from './lab.js';
import type { LogTail } from './log-tail.js';
import { readObjects } from './objects.js';
import { LOCAL_TRAITS } from './traits.js';

export interface LocalPlatformOptions {
  /** The lab's 127.N.0.0/16 (default 10). */
  octet?: number;
  /** Delay before kube-proxy applies an endpoint change (default: as measured on a real node). */
  propagationDelayMs?: number;
  /** Delay before DNS applies an endpoint change (default: as measured on a real node). */
  dnsPropagationDelayMs?: number;
  /** TTL of every DNS answer (default 30 s, as a cluster's CoreDNS). */
  dnsTtlSeconds?: number;
  /** Seed for kube-proxy's backend choice and pod names (default: random). */
  seed?: number;
  /** down(): SIGTERM, then SIGKILL after this long (default 1000 ms; tear-down is not a rollout). */
  teardownGraceMs?: number;
}

const HTTP_TIMEOUT_MS = 5000;

/** What the last up() applied and what its pods wrote: kept after down(), for collectLogs(). */
interface LastRun {
  objects: K8sObject[];
  podLogs: Map<string, LogTail>;
}

export class LocalPlatform implements Platform {
  readonly name: string = 'local';
  readonly info = LOCAL_TRAITS;
  /** What `kubectl` would show of the running lab (pids, proxy backends, ...), for tests and diagnostics. */
  readonly inspection: LocalInspection;
  private readonly addresses: AddressPlan;
  private readonly seed: number;
  private readonly timings: LabTimings;
  private readonly log = new EventLog();
  private lab?: Lab;
  private lastRun?: LastRun;
  private downing?: Promise<void>;
  /** The start-up of the current up(), while it runs: down() interrupts it and waits for it. */
  private starting?: Promise<void>;

  constructor(opts: LocalPlatformOptions = {}) {
    this.addresses = new AddressPlan(opts.octet);
    this.seed = opts.seed ?? randomInt(1, 2 ** 31);
    this.timings = {
      propagationDelayMs: opts.propagationDelayMs ?? DEFAULT_PROPAGATION_DELAY_MS,
      dnsPropagationDelayMs: opts.dnsPropagationDelayMs ?? DEFAULT_DNS_PROPAGATION_DELAY_MS,
      dnsTtlSeconds: opts.dnsTtlSeconds ?? 30,
      teardownGraceMs: opts.teardownGraceMs ?? 1000,
    };
    this.inspection = new LocalInspection(() => this.lab, this.addresses, this.seed);
  }

  async up(objects: K8sObject[], timeoutMs = this.info.timeouts.upMs): Promise<void> {
    if (this.lab || this.downing) throw new PlatformError('the local platform is already up: call down() first');
    const lab = readObjects(objects);
    // Every image is checked before anything starts: a missing binary or build is one line.
    const launchers = new Map(lab.deployments.map((d) => [d.name, resolveImage(d.template.container, `Deployment/${d.name}`)]));
    this.log.clear();
    this.lab = new Lab(lab, launchers, this.addresses, this.log, this.seed, this.timings);
    this.lastRun = { objects, podLogs: this.lab.podLogs };
    this.starting = this.lab.start(timeoutMs);
    try {
      await this.starting;
    } catch (err) {
      await this.down();
      throw err;
    } finally {
      this.starting = undefined;
    }
  }

  async rolloutRestart(deployment: string): Promise<void> {
    this.running().controller.rolloutRestart(deployment);
  }

  async waitForRollout(deployment: string, timeoutMs = this.info.timeouts.rolloutMs): Promise<void> {
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
    const p = this.lab?.kubelet.get(pod);
    if (!p) throw new PlatformError(`no pod ${pod}`);
    const url = new URL(`http://${p.ip}:${port}${urlPath.startsWith('/') ? '' : '/'}${urlPath}`);
    const answer = await httpGet(url, { timeoutMs: HTTP_TIMEOUT_MS }).catch((err: NodeJS.ErrnoException) => {
      throw new PlatformError(`GET ${url.href}: ${err.code ?? err.message}`);
    });
    if (answer.status >= 400) throw new PlatformError(`GET ${url.href}: HTTP ${answer.status} ${firstLine(answer.body).slice(0, 200)}`);
    return answer.body;
  }

  async clusterInfo(): Promise<ClusterInfo> {
    return { provider: 'local', serverVersion: null, context: null };
  }

  /** Works after down() as well: the last run's logs, events and objects are kept until the next up(). */
  async collectLogs(dir: string): Promise<string[]> {
    if (!this.lastRun) return [];
    return writeLocalLogs(dir, { ...this.lastRun, events: this.log.events() });
  }

  down(): Promise<void> {
    this.downing ??= this.teardown().finally(() => (this.downing = undefined));
    return this.downing;
  }

  private async teardown(): Promise<void> {
    const lab = this.lab;
    if (!lab) return;
    // down() during up(): stop the start-up first, so nothing it was about to start outlives close().
    if (this.starting) {
      lab.interruptStart();
      await this.starting.catch(() => undefined);
    }
    try {
      await lab.close(this.timings.teardownGraceMs);
    } finally {
      this.lab = undefined;
    }
  }

  private running(): Lab {
    if (!this.lab) throw new PlatformError('the local platform is not up');
    return this.lab;
  }
}
