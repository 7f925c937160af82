// What the dashboard knows about the run, kept so that a page connecting mid-run is sent the
// whole story so far (one "init" message) and then every change as it happens.
import { monotonicNow } from '../../model/clock.js';
import type { LabEvent } from '../../model/events.js';
import { formatMeasured } from '../../model/format.js';
import type { LiveSnapshot, RunInfo } from '../../model/live.js';
import type { RunResult, VerdictResult } from '../../model/result.js';
import { toViewEvent, type ViewEvent } from '../../report/describe-event.js';

/** A verdict as the page shows it: the measured value already written in its unit. */
export type ShownVerdict = VerdictResult & { measuredText: string };

function shown(verdicts: readonly VerdictResult[]): ShownVerdict[] {
  return verdicts.map((v) => ({ ...v, measuredText: formatMeasured(v, '–') }));
}

/** One second of the run as the page charts it; `at` is when the engine handed it over (Unix ms). */
export interface DashboardPoint {
  at: number;
  snapshot: Omit<LiveSnapshot, 'verdicts'> & { verdicts: ShownVerdict[] };
}

/** The part of a finished variant the page shows. */
export interface ResultSummary {
  variant: string;
  pass: boolean;
  calls: number;
  unavailableRate: number;
  podsWithTraffic: number;
  podsTotal: number;
  maxMeanShare: number | null;
  p99Ms: number | null;
  verdicts: ShownVerdict[];
  accounting: string;
  narration: string[];
  kubectl: string[];
}

export interface DashboardSnapshotState {
  info: RunInfo | null;
  /** Unix ms of s = 0: the page places events on the time axis with it. */
  zeroMs: number;
  points: DashboardPoint[];
  events: ViewEvent[];
  waiting: string | null;
  result: ResultSummary | null;
  earlier: ResultSummary[];
}

export type DashboardMessage =
  | { type: 'init'; state: DashboardSnapshotState }
  | { type: 'start'; info: RunInfo; zeroMs: number }
  | { type: 'snapshot'; point: DashboardPoint; zeroMs: number }
  | { type: 'event'; event: ViewEvent }
  | { type: 'gate'; waiting: string | null }
  | { type: 'finish'; result: ResultSummary };

// a 15-minute run at one point a second; beyond that the chart shows the latest part
const MAX_POINTS = 900;
const MAX_EVENTS = 2000;

export function summarize(result: RunResult): ResultSummary {
  return {
    variant: result.variant,
    pass: result.pass,
    calls: result.calls,
    unavailableRate: result.unavailableRate,
    podsWithTraffic: result.podsWithTraffic,
    podsTotal: result.podsTotal,
    maxMeanShare: result.maxMeanShare,
    p99Ms: result.latencyMs.p99,
    verdicts: shown(result.verdicts),
    accounting: result.accounting.check,
    narration: result.narration,
    kubectl: result.kubectl,
  };
}

export class DashboardState {
  private state: DashboardSnapshotState = { info: null, zeroMs: monotonicNow(), points: [], events: [], waiting: null, result: null, earlier: [] };

  constructor(private readonly publish: (message: DashboardMessage) => void) {}

  current(): DashboardMessage {
    return { type: 'init', state: this.state };
  }

  start(info: RunInfo): void {
    const earlier = this.state.result ? [...this.state.earlier, this.state.result] : this.state.earlier;
    // Until the first snapshot brings the run's t0, the bring-up's events count from here.
    this.state = { info, zeroMs: monotonicNow(), points: [], events: [], waiting: this.state.waiting, result: null, earlier };
    this.publish({ type: 'start', info, zeroMs: this.state.zeroMs });
  }

  update(snapshot: LiveSnapshot): void {
    const at = monotonicNow();
    this.state.zeroMs = snapshot.t0;
    const point = { at, snapshot: { ...snapshot, verdicts: shown(snapshot.verdicts) } };
    this.state.points.push(point);
    if (this.state.points.length > MAX_POINTS) this.state.points.shift();
    this.publish({ type: 'snapshot', point, zeroMs: this.state.zeroMs });
  }

  event(event: LabEvent): void {
    const viewEvent = toViewEvent(event, this.state.zeroMs);
    this.state.events.push(viewEvent);
    if (this.state.events.length > MAX_EVENTS) this.state.events.shift();
    this.publish({ type: 'event', event: viewEvent });
  }

  gate(waiting: string | null): void {
    this.state.waiting = waiting;
    this.publish({ type: 'gate', waiting });
  }

  finish(result: RunResult): void {
    this.state.result = summarize(result);
    this.publish({ type: 'finish', result: this.state.result });
  }
}
