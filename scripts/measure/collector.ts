// Polls every A pod's /stats (closed per-second buckets after a cursor) and every B pod's /stats
// (cumulative counts) through the platform, every 500 ms, and keeps what each process reported.
// A process is a pod name plus a bootId: a restarted or replaced pod starts a new series from
// cursor 0, and a pod that vanished keeps the series it had.
// Each pod is read on its own: a pod that does not answer (on a cluster, a read through the API
// server's proxy to a pod whose sandbox is gone waits for its timeout) holds up only its own next
// read, never the other pods'. A client that lives a few seconds (round 5's phases) would otherwise
// go unread while the previous client's last read timed out.
import type { Platform } from '../platforms/platform.js';
import type { PodInfo } from '../model/k8s.js';
import { monotonicNow } from '../model/clock.js';
import type { LabEvent } from '../model/events.js';
import type { BackendStats, StatsResponse } from '../../services/shared/stats-schema.js';
import type { BackendSample, BackendSeries, ClientSeries, PodRecord, RunData } from './run-data.js';
import type { RunClock } from './windows.js';
import { CPU_METRIC, WIRE_BYTES_METRIC, sumSamples } from './prometheus.js';

export interface CollectorOptions {
  /** Deployments whose pods are A processes (load generators). */
  clients: string[];
  /** The deployment of B, whose pods' /stats give the attempts B received. */
  backend: string;
  /** A's stats port and B's metrics port (both 9090 in the manifests). */
  clientStatsPort?: number;
  backendStatsPort?: number;
  intervalMs?: number;
  /** Also read B's /metrics for CPU and bytes (round 5's table): one more request per pod and poll. */
  backendMetrics?: boolean;
  now?: () => number;
}

export type StatsSource = Pick<Platform, 'pods' | 'httpGet'>;

export class Collector {
  private readonly clientSeries: ClientSeries[] = [];
  private readonly backendSeries: BackendSeries[] = [];
  private readonly podRecords = new Map<string, PodRecord>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** The read under way for each pod, by pod name. */
  private readonly reading = new Map<string, Promise<void>>();
  private stopped = false;
  private readonly now: () => number;
  /** Failed reads, for diagnostics: a pod that is starting or gone does not answer. */
  failedReads = 0;
  polls = 0;

  constructor(
    private readonly source: StatsSource,
    private readonly opts: CollectorOptions,
  ) {
    this.now = opts.now ?? monotonicNow;
  }

  start(): void {
    this.stopped = false;
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.startReads().finally(() => {
        this.running = null;
        if (!this.stopped) this.timer = setTimeout(tick, this.opts.intervalMs ?? 500);
      });
    };
    tick();
  }

  /** Stops polling once the listing and every read under way have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await Promise.all(this.reading.values());
  }

  /** One round, finished: list pods, read every A and B pod that has an address, wait for every read. */
  async poll(): Promise<void> {
    await this.startReads();
    await Promise.all(this.reading.values());
  }

  /** Lists pods and starts a read of each A and B pod that has an address and no read under way. */
  private async startReads(): Promise<void> {
    let pods: PodInfo[];
    try {
      pods = await this.source.pods();
    } catch {
      this.failedReads++;
      return;
    }
    this.recordPods(pods);
    const live = pods.filter((p) => p.ip !== '' && p.phase !== 'Succeeded' && p.phase !== 'Failed');
    for (const p of live) {
      const read = this.opts.clients.includes(p.deployment) ? this.pollClient : p.deployment === this.opts.backend ? this.pollBackend : undefined;
      if (read === undefined || this.reading.has(p.name)) continue;
      const once = read.call(this, p).finally(() => this.reading.delete(p.name));
      this.reading.set(p.name, once);
    }
    this.polls++;
  }

  clients(): ClientSeries[] {
    return this.clientSeries;
  }

  backends(): BackendSeries[] {
    return this.backendSeries;
  }

  pods(): PodRecord[] {
    return [...this.podRecords.values()];
  }

  /** What was collected so far, on the run's clock, with the events to judge it by. */
  runData(clock: RunClock, events: LabEvent[]): RunData {
    return {
      t0: clock.t0,
      tEnd: clock.tEnd,
      marks: clock.marks,
      backend: this.opts.backend,
      clients: this.clients(),
      backends: this.backends(),
      pods: this.pods(),
      events,
    };
  }

  private recordPods(pods: PodInfo[]): void {
    const t = this.now();
    const listed = new Set<string>();
    for (const p of pods) {
      listed.add(p.name);
      const rec = this.podRecords.get(p.name);
      if (rec) rec.last = p;
      else this.podRecords.set(p.name, { name: p.name, deployment: p.deployment, app: p.app, createdAt: p.createdAt, last: p });
    }
    for (const rec of this.podRecords.values()) {
      if (!listed.has(rec.name) && rec.vanishedAt === undefined) rec.vanishedAt = t;
    }
  }

  private async pollClient(pod: PodInfo): Promise<void> {
    const latest = this.latestClient(pod.name);
    let resp = await this.readClient(pod.name, latest?.cursor ?? 0);
    if (resp === null) return;
    // A new bootId means a new process whose seq started again from 1: the cursor we sent belonged
    // to the old one and hid the new buckets, so ask again from the beginning.
    if (latest !== undefined && resp.bootId !== latest.bootId && latest.cursor > 0) {
      const again = await this.readClient(pod.name, 0);
      if (again === null || again.bootId !== resp.bootId) return;
      resp = again;
    }
    let series = this.clientSeries.find((s) => s.pod === pod.name && s.bootId === resp.bootId);
    if (series === undefined) {
      series = { pod: pod.name, deployment: pod.deployment, bootId: resp.bootId, cursor: 0, buckets: [], last: resp };
      this.clientSeries.push(series);
    }
    const fresh = resp.buckets.filter((b) => b.seq > series.cursor).sort((x, y) => x.seq - y.seq);
    series.buckets.push(...fresh);
    series.cursor = Math.max(series.cursor, resp.cursor, ...fresh.map((b) => b.seq));
    series.last = resp;
  }

  private latestClient(pod: string): ClientSeries | undefined {
    const mine = this.clientSeries.filter((s) => s.pod === pod);
    return mine[mine.length - 1];
  }

  private async readClient(pod: string, after: number): Promise<StatsResponse | null> {
    const body = await this.read(pod, this.opts.clientStatsPort ?? 9090, `/stats?after=${after}`);
    const parsed = body === null ? null : (parseJson(body) as StatsResponse | null);
    if (parsed === null || parsed.service !== 'a' || typeof parsed.bootId !== 'string' || !Array.isArray(parsed.buckets)) {
      if (body !== null) this.failedReads++;
      return null;
    }
    return parsed;
  }

  private async pollBackend(pod: PodInfo): Promise<void> {
    const body = await this.read(pod.name, this.opts.backendStatsPort ?? 9090, '/stats');
    const stats = body === null ? null : (parseJson(body) as BackendStats | null);
    if (stats === null || stats.service !== 'b' || typeof stats.bootId !== 'string') return;
    const t = this.now();
    const sample: BackendSample = { t, received: stats.received, shed: stats.shed };
    if (this.opts.backendMetrics) {
      const text = await this.read(pod.name, this.opts.backendStatsPort ?? 9090, '/metrics');
      sample.cpuSeconds = text === null ? null : sumSamples(text, CPU_METRIC);
      sample.wireBytes = text === null ? null : sumSamples(text, WIRE_BYTES_METRIC);
    }
    let series = this.backendSeries.find((s) => s.pod === pod.name && s.bootId === stats.bootId);
    if (series === undefined) {
      series = { pod: pod.name, deployment: pod.deployment, bootId: stats.bootId, startedAt: stats.startedAt, samples: [], last: stats };
      this.backendSeries.push(series);
    }
    // Counts are cumulative: keep the largest, whatever order the answers arrived in.
    if (stats.received >= series.last.received) series.last = stats;
    series.samples.push(sample);
  }

  private async read(pod: string, port: number, path: string): Promise<string | null> {
    try {
      return await this.source.httpGet(pod, port, path);
    } catch {
      this.failedReads++;
      return null;
    }
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}
