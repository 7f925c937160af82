// Prometheus view of A's books on its own Registry. Counters advance once per closed bucket, never
// per call, so scraping costs the call path nothing.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Accounting } from './accounting.js';
import type { StatsBucket } from '../shared/stats-schema.js';

export interface Metrics {
  contentType: string;
  render(): Promise<string>;
}

export function createMetrics(accounting: Accounting): Metrics {
  const register = new Registry();
  register.setDefaultLabels({ pod: accounting.pod });
  collectDefaultMetrics({ register, prefix: 'lab_a_' });
  const scheduled = new Counter({ name: 'lab_a_calls_scheduled_total', help: 'Calls the schedule placed (started + skipped)', registers: [register] });
  const skipped = new Counter({ name: 'lab_a_calls_skipped_total', help: 'Scheduled calls not started: MAX_IN_FLIGHT reached', registers: [register] });
  const completed = new Counter({ name: 'lab_a_calls_completed_total', help: 'Ended calls by gRPC status', labelNames: ['code'], registers: [register] });
  const errors = new Counter({ name: 'lab_a_call_errors_total', help: 'Failed calls by error class', labelNames: ['class'], registers: [register] });
  const served = new Counter({ name: 'lab_a_calls_ok_by_backend_total', help: 'OK calls by the B pod that served them', labelNames: ['backend'], registers: [register] });
  const lag = new Gauge({ name: 'lab_a_schedule_lag_max_ms', help: 'Largest schedule lag in the last closed second', registers: [register] });
  new Gauge({
    name: 'lab_a_calls_in_flight',
    help: 'Calls started and not yet ended',
    registers: [register],
    collect() {
      this.set(accounting.inFlight);
    },
  });
  new Gauge({
    name: 'lab_a_accounting_ok',
    help: '1 while scheduled = completed + in flight + skipped',
    registers: [register],
    collect() {
      this.set(accounting.accountingOk() ? 1 : 0);
    },
  });

  accounting.onClose((b: StatsBucket) => {
    scheduled.inc(b.scheduled);
    skipped.inc(b.skipped);
    for (const [code, n] of Object.entries(b.byCode)) completed.inc({ code }, n);
    for (const [cls, n] of Object.entries(b.errorClasses)) errors.inc({ class: cls }, n ?? 0);
    for (const [backend, n] of Object.entries(b.perPod)) served.inc({ backend }, n);
    lag.set(b.lagMaxMs);
  });

  return { contentType: register.contentType, render: () => register.metrics() };
}
