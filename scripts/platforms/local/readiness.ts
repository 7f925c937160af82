// The kubelet's readiness prober for one container: the first attempt after initialDelaySeconds,
// then one every periodSeconds (never two at once); successThreshold consecutive successes make
// the container ready, failureThreshold consecutive failures make it not ready. Without a
// readinessProbe a container is ready as soon as it runs, as in Kubernetes.
import type { ContainerPort, ProbeSpec } from './pod-template.js';
import { probeOnce } from './probes.js';

export class ReadinessProber {
  private timer?: NodeJS.Timeout;
  /** Bumped by start() and stop(): an attempt still in flight from an older run is discarded. */
  private generation = 0;
  private ready = false;
  private successes = 0;
  private failures = 0;
  private lastDetail = 'not probed yet';

  constructor(
    private readonly spec: ProbeSpec | undefined,
    private readonly target: { ip: string; ports: ContainerPort[] },
    private readonly onChange: (ready: boolean, detail: string) => void,
  ) {}

  /** Starts probing a freshly started container (not ready until the probe says so). */
  start(): void {
    this.stop();
    this.ready = false;
    this.successes = 0;
    this.failures = 0;
    if (!this.spec) {
      this.set(true, 'no readiness probe');
      return;
    }
    this.schedule(this.spec.initialDelaySeconds * 1000);
  }

  stop(): void {
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The last probe's outcome, for diagnostics. */
  get last(): string {
    return this.lastDetail;
  }

  private schedule(delayMs: number): void {
    const generation = this.generation;
    this.timer = setTimeout(() => void this.attempt(generation), delayMs);
  }

  private async attempt(generation: number): Promise<void> {
    const spec = this.spec!;
    const startedAt = Date.now();
    const result = await probeOnce(spec.handler, this.target.ip, this.target.ports, spec.timeoutSeconds * 1000);
    if (generation !== this.generation) return;
    this.lastDetail = result.detail;
    if (result.ok) {
      this.successes++;
      this.failures = 0;
      if (!this.ready && this.successes >= spec.successThreshold) this.set(true, result.detail);
    } else {
      this.failures++;
      this.successes = 0;
      if (this.ready && this.failures >= spec.failureThreshold) this.set(false, result.detail);
    }
    this.schedule(Math.max(0, startedAt + spec.periodSeconds * 1000 - Date.now()));
  }

  private set(ready: boolean, detail: string): void {
    this.ready = ready;
    this.onChange(ready, detail);
  }
}
