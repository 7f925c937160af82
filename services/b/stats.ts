// What B counts about itself, exposed two ways from the same numbers: Prometheus text on /metrics
// and the BackendStats JSON on /stats that the lab's collector reads (retry amplification: B counts
// every attempt it received, shed ones included).
import { randomUUID } from 'node:crypto';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { BackendStats } from '../shared/stats-schema.js';
import type { Admission } from './shedding.js';

export type Protocol = 'grpc' | 'rest';

export class CallStats {
  readonly registry = new Registry();
  readonly bootId = randomUUID();
  readonly startedAt = Date.now();
  private readonly servedByCode: Record<string, number> = {};
  private shedTotal = 0;
  private holdStreams = 0;
  private draining = false;
  private readonly callsCounter: Counter<'protocol' | 'code'>;
  private readonly shedCounter: Counter<'protocol'>;

  constructor(
    private readonly pod: string,
    private readonly admission: Admission,
    private readonly openConnections: () => Promise<number>,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.callsCounter = new Counter({
      name: 'lab_b_calls_total',
      help: 'Work calls answered, by protocol and gRPC status name (shed calls count as UNAVAILABLE)',
      labelNames: ['protocol', 'code'],
      registers,
    });
    this.shedCounter = new Counter({
      name: 'lab_b_calls_shed_total',
      help: 'Work calls refused at once because the pod was at CAPACITY',
      labelNames: ['protocol'],
      registers,
    });
    // Gauges read the live value when scraped, so they can never drift from their source.
    const liveGauges: Array<[name: string, help: string, read: () => number | Promise<number>]> = [
      ['lab_b_calls_in_flight', 'Work calls being served now', () => admission.inFlight],
      ['lab_b_open_connections', 'HTTP/2 connections open on the gRPC port', openConnections],
      ['lab_b_hold_streams_open', 'Hold streams open now', () => this.holdStreams],
    ];
    for (const [name, help, read] of liveGauges) {
      new Gauge({ name, help, registers, async collect() {
        this.set(await read());
      } });
    }
  }

  /** Records the status one Work call was answered with (every call, exactly once). */
  answered(protocol: Protocol, code: string, shed = false): void {
    this.servedByCode[code] = (this.servedByCode[code] ?? 0) + 1;
    this.callsCounter.inc({ protocol, code });
    if (!shed) return;
    this.shedTotal++;
    this.shedCounter.inc({ protocol });
  }

  holdOpened(): void {
    this.holdStreams++;
  }

  holdClosed(): void {
    this.holdStreams--;
  }

  get openHoldStreams(): number {
    return this.holdStreams;
  }

  markDraining(): void {
    this.draining = true;
  }

  async snapshot(): Promise<BackendStats> {
    const answered = Object.values(this.servedByCode).reduce((a, b) => a + b, 0);
    return {
      service: 'b',
      pod: this.pod,
      bootId: this.bootId,
      startedAt: this.startedAt,
      servedByCode: { ...this.servedByCode },
      received: answered + this.admission.inFlight,
      inFlight: this.admission.inFlight,
      shed: this.shedTotal,
      openConnections: await this.openConnections(),
      draining: this.draining,
    };
  }
}
