// Per-call accounting: every scheduled call is started or skipped, every started call completes
// once, and each event lands in the bucket of the wall-clock second it happened in. Buckets and
// totals are two independent tallies of the same events, so comparing them is a real check.
import { randomUUID } from 'node:crypto';
import hdr from 'hdr-histogram-js';
import type { ErrorClass, StatsBucket, StatsResponse, StatsTotals } from '../shared/stats-schema.js';

/** Closed buckets kept for pollers: an hour, far longer than any collector falls behind. */
const RETAINED_BUCKETS = 3600;
/** Seconds the event loop missed entirely get empty buckets, up to this many. */
const MAX_GAP_FILL = 60;

type Counts = Record<string, number>;

interface OpenBucket {
  t: number;
  scheduled: number;
  skipped: number;
  completed: number;
  byCode: Counts;
  errorClasses: Counts;
  perPod: Counts;
}

function counts(): Counts {
  // No prototype: a pod or code name can never collide with an Object method.
  return Object.create(null) as Counts;
}

function inc(c: Counts, key: string): void {
  c[key] = (c[key] ?? 0) + 1;
}

function openBucket(t: number): OpenBucket {
  return { t, scheduled: 0, skipped: 0, completed: 0, byCode: counts(), errorClasses: counts(), perPod: counts() };
}

function histogram(): hdr.Histogram {
  // Microseconds with 3 significant digits; grows as needed, so no value is ever clamped.
  return hdr.build({ numberOfSignificantValueDigits: 3 });
}

export function secondOf(ms: number): number {
  return ms - (ms % 1000);
}

export class Accounting {
  readonly bootId = randomUUID();
  readonly startedAt = Date.now();
  /** Set on SIGTERM: reported to pollers, and /healthz stops answering 200. */
  stopping = false;
  private seq = 0;
  private frozen = false;
  private open: OpenBucket = openBucket(secondOf(Date.now()));
  private readonly closed: StatsBucket[] = [];
  private readonly closedSum = { scheduled: 0, skipped: 0, completed: 0 };
  private readonly latencyUs = histogram();
  private readonly lagUs = histogram();
  private readonly closeListeners: Array<(b: StatsBucket) => void> = [];
  private idleWaiter: (() => void) | undefined;
  private brokenReported = false;
  readonly totals: StatsTotals = {
    scheduled: 0,
    completed: 0,
    inFlight: 0,
    skipped: 0,
    ok: 0,
    byCode: counts(),
    errorClasses: counts() as StatsTotals['errorClasses'],
    perPod: counts(),
  };

  constructor(
    readonly pod: string,
    /** Told once if the books ever stop balancing (a bug, never expected). */
    private readonly onBroken: (detail: Record<string, number>) => void = () => {},
  ) {}

  get inFlight(): number {
    return this.totals.inFlight;
  }

  /** A scheduled call is being started, `lagMs` after its place in the schedule. */
  start(lagMs: number): void {
    if (this.frozen) return;
    const b = this.current();
    b.scheduled++;
    this.totals.scheduled++;
    this.totals.inFlight++;
    this.lagUs.recordValue(Math.round(lagMs * 1000));
  }

  /** A scheduled call is not started because MAX_IN_FLIGHT calls are already in flight. */
  skip(lagMs: number): void {
    if (this.frozen) return;
    const b = this.current();
    b.scheduled++;
    b.skipped++;
    this.totals.scheduled++;
    this.totals.skipped++;
    this.lagUs.recordValue(Math.round(lagMs * 1000));
  }

  /** A started call ended. `pod` is the B pod that served an OK call. */
  complete(code: string, errorClass: ErrorClass | null, pod: string | null, latencyUs: number): void {
    // After the final bucket closed, a straggler stays "in flight": the books the poller read last
    // must not change under it.
    if (this.frozen) return;
    const b = this.current();
    const t = this.totals;
    b.completed++;
    t.completed++;
    t.inFlight--;
    inc(b.byCode, code);
    inc(t.byCode, code);
    if (errorClass !== null) {
      inc(b.errorClasses, errorClass);
      inc(t.errorClasses as Counts, errorClass);
    } else if (pod !== null) {
      inc(b.perPod, pod);
      inc(t.perPod, pod);
    }
    if (code === 'OK') t.ok++;
    this.latencyUs.recordValue(latencyUs);
    if (t.inFlight === 0 && this.idleWaiter) this.idleWaiter();
  }

  /** Closes every second that has ended by `now`. */
  roll(now = Date.now()): void {
    if (this.frozen) return;
    const second = secondOf(now);
    if (second <= this.open.t) return;
    this.close();
    // Seconds the event loop missed entirely get empty buckets: every second keeps its bucket.
    const oldestFilled = second - MAX_GAP_FILL * 1000;
    if (this.open.t < oldestFilled) this.open = openBucket(oldestFilled);
    while (this.open.t < second) this.close();
  }

  /** Closes the last (partial) second and freezes the books: nothing changes after this. */
  finish(): void {
    if (this.frozen) return;
    this.roll();
    this.close();
    this.frozen = true;
  }

  /** Resolves when no call is in flight, or after `timeoutMs`, whichever comes first. */
  whenIdle(timeoutMs: number): Promise<void> {
    if (this.totals.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.idleWaiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.idleWaiter = done;
    });
  }

  onClose(listener: (b: StatsBucket) => void): void {
    this.closeListeners.push(listener);
  }

  /** scheduled = completed + inFlight + skipped, and the buckets add up to the totals. */
  accountingOk(): boolean {
    const t = this.totals;
    const o = this.open;
    const s = this.closedSum;
    return (
      t.inFlight >= 0 &&
      t.scheduled === t.completed + t.inFlight + t.skipped &&
      s.scheduled + o.scheduled === t.scheduled &&
      s.completed + o.completed === t.completed &&
      s.skipped + o.skipped === t.skipped
    );
  }

  /** What GET /stats?after=SEQ answers: the closed buckets with seq > after. */
  snapshot(after: number): StatsResponse {
    this.roll();
    const first = this.closed.length > 0 ? this.closed[0].seq : this.seq + 1;
    const t = this.totals;
    return {
      service: 'a',
      pod: this.pod,
      bootId: this.bootId,
      startedAt: this.startedAt,
      cursor: this.seq,
      buckets: this.closed.slice(Math.max(0, after - first + 1)),
      totals: {
        ...t,
        byCode: { ...t.byCode },
        errorClasses: { ...t.errorClasses },
        perPod: { ...t.perPod },
      },
      accountingOk: this.accountingOk(),
      stopping: this.stopping,
    };
  }

  private current(): OpenBucket {
    if (Date.now() >= this.open.t + 1000) this.roll();
    return this.open;
  }

  private close(): void {
    const o = this.open;
    const bucket: StatsBucket = {
      seq: ++this.seq,
      t: o.t,
      scheduled: o.scheduled,
      skipped: o.skipped,
      completed: o.completed,
      byCode: o.byCode,
      errorClasses: o.errorClasses,
      perPod: o.perPod,
      latencyHistogram: o.completed > 0 ? hdr.encodeIntoCompressedBase64(this.latencyUs) : '',
      lagP99Ms: this.lagUs.totalCount > 0 ? this.lagUs.getValueAtPercentile(99) / 1000 : 0,
      lagMaxMs: this.lagUs.totalCount > 0 ? this.lagUs.maxValue / 1000 : 0,
      lagHistogram: this.lagUs.totalCount > 0 ? hdr.encodeIntoCompressedBase64(this.lagUs) : '',
      inFlight: this.totals.inFlight,
    };
    this.latencyUs.reset();
    this.lagUs.reset();
    this.closedSum.scheduled += o.scheduled;
    this.closedSum.skipped += o.skipped;
    this.closedSum.completed += o.completed;
    // The closed bucket is now the open one's only owner; start the next second empty.
    this.open = openBucket(o.t + 1000);
    this.closed.push(bucket);
    if (this.closed.length > RETAINED_BUCKETS) this.closed.shift();
    for (const listener of this.closeListeners) listener(bucket);
    if (!this.brokenReported && !this.accountingOk()) {
      this.brokenReported = true;
      const t = this.totals;
      this.onBroken({ scheduled: t.scheduled, completed: t.completed, inFlight: t.inFlight, skipped: t.skipped });
    }
  }
}
