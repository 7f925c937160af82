// A synthetic engine for the view tests: a rolling restart of five B pods, second by second, told
// through the same LiveView calls the scenario engine makes, and the RunResult such a run writes.
// Old pods terminate one by one while new ones take over; UNAVAILABLE appears during the swap.
import type { LivePod, LiveSnapshot, LiveView, RunInfo, StepGate } from '../../scripts/model/live.js';
import type { EventType, LabEvent } from '../../scripts/model/events.js';
import type { RunResult, TimelineSecond } from '../../scripts/model/result.js';

export const INFO: RunInfo = {
  round: 2,
  roundName: 'probe',
  title: 'Rolling update under load',
  variant: 'graceful',
  platform: 'local',
  symptom: 'UNAVAILABLE during a rollout while every pod passes its readiness probe',
};

const OLD = ['b-5c7d9-old0', 'b-5c7d9-old1', 'b-5c7d9-old2', 'b-5c7d9-old3', 'b-5c7d9-old4'];
const NEW = ['b-8f2a1-new0', 'b-8f2a1-new1', 'b-8f2a1-new2', 'b-8f2a1-new3', 'b-8f2a1-new4'];
export const ALL_PODS = [...OLD, ...NEW];
export const SECONDS = 14;
export const ROLLOUT_AT = 4;
const RATE = 400;

/** Second each new pod is created and each old pod starts terminating: one pair per second. */
const swapAt = (i: number) => ROLLOUT_AT + i;

function podsAt(s: number): LivePod[] {
  const pods: Array<Omit<LivePod, 'okPerSec' | 'share'>> = [];
  OLD.forEach((name, i) => {
    if (s < swapAt(i) + 1) pods.push({ name, app: 'b', state: 'Ready', isNew: false });
    else if (s < swapAt(i) + 3) pods.push({ name, app: 'b', state: 'Terminating', isNew: false });
  });
  NEW.forEach((name, i) => {
    if (s >= swapAt(i)) pods.push({ name, app: 'b', state: s >= swapAt(i) + 1 ? 'Ready' : 'Pending', isNew: true });
  });
  const serving = pods.filter((p) => p.state === 'Ready');
  const each = Math.floor(ratesAt(s).ok / Math.max(1, serving.length));
  const backend = pods.map((p) => {
    const okPerSec = p.state === 'Ready' ? each : 0;
    return { ...p, okPerSec, share: serving.length && okPerSec ? 1 / serving.length : 0 };
  });
  return [...backend, CALLER];
}

/** The load generator's pod: in the snapshots like any pod, but it serves nothing. */
export const CALLER: LivePod = { name: 'a-6b8d4-c0', app: 'a', state: 'Ready', isNew: false, okPerSec: 0, share: 0 };

function ratesAt(s: number, clean = false): LiveSnapshot['rates'] {
  const unavailable = !clean && s > ROLLOUT_AT && s <= ROLLOUT_AT + 5 ? 12 + (s % 3) * 5 : 0;
  return { ok: RATE - unavailable, unavailable, cancelled: !clean && s === ROLLOUT_AT + 2 ? 3 : 0, other: 0 };
}

const STEPS = [
  { at: 0, title: 'Steady load', narration: 'A sends 400 calls a second to five B pods; nothing fails.' },
  { at: ROLLOUT_AT, title: 'Rolling restart of B', narration: 'Each old pod leaves the endpoints while it drains: watch UNAVAILABLE appear.' },
  { at: ROLLOUT_AT + 7, title: 'Rollout done', narration: 'Five new pods serve everything again.' },
];

/** Second s of the run; `t0` is the run's start on the events' clock, as the engine sends it. */
export function snapshotAt(s: number, t0 = 0): LiveSnapshot {
  const stepIndex = STEPS.filter((st) => st.at <= s).length;
  const step = STEPS[stepIndex - 1];
  return {
    round: INFO.round,
    variant: INFO.variant,
    t0,
    s,
    rates: ratesAt(s),
    pods: podsAt(s),
    step: { index: stepIndex, total: STEPS.length, title: step.title, narration: step.narration },
    verdicts: s >= SECONDS - 1 ? [verdicts()[0]] : [],
  };
}

/** Events of second s, as offsets in ms from the run's start. */
export function eventsAt(s: number, startMs: number): LabEvent[] {
  const at = (offsetMs: number, type: EventType, extra: Partial<LabEvent> = {}): LabEvent => ({ t: startMs + s * 1000 + offsetMs, type, ...extra });
  const events: LabEvent[] = [];
  if (s === ROLLOUT_AT) {
    events.push(at(0, 'step', { detail: 'Rolling restart of B' }), at(50, 'rollout-started', { deployment: 'b' }));
  }
  OLD.forEach((pod, i) => {
    if (s === swapAt(i)) events.push(at(100, 'pod-created', { pod: NEW[i], deployment: 'b' }));
    if (s === swapAt(i) + 1) {
      events.push(
        at(0, 'pod-ready', { pod: NEW[i] }),
        at(10, 'pod-deleted', { pod }),
        at(20, 'sigterm-sent', { pod }),
        at(400, 'endpoint-removed', { pod, view: 'endpoints' }),
        at(900, 'endpoint-removed', { pod, view: 'proxy' }),
      );
    }
    if (s === swapAt(i) + 3) events.push(at(0, 'pod-exited', { pod, detail: 'exit code 0' }));
  });
  if (s === ROLLOUT_AT + 7) events.push(at(0, 'rollout-completed', { deployment: 'b' }), at(10, 'step', { detail: 'Rollout done' }));
  return events;
}

function verdicts(clean = false): RunResult['verdicts'] {
  if (clean) {
    return [
      { name: 'no error during rollout', explanation: 'preStop outlasts endpoint propagation, then a graceful drain.', expected: '== 0', measured: 0, pass: true },
      { name: 'p99 under 250 ms', explanation: 'Draining does not slow the calls that succeed.', expected: '<= 250', measured: 41, pass: true },
    ];
  }
  return [
    { name: 'unavailable during rollout', explanation: 'New connections are refused while the endpoint removal propagates.', expected: '>= 1%', measured: 0.0412, pass: true },
    { name: 'no call cancelled in flight', explanation: 'tryShutdown lets in-flight calls finish.', expected: '<= 0.1%', measured: 0.0005, pass: true },
    { name: 'p99 under 250 ms', explanation: 'Draining does not slow the calls that succeed.', expected: '<= 250', measured: 312, pass: false },
  ];
}

function timeline(clean: boolean): TimelineSecond[] {
  return Array.from({ length: SECONDS }, (_, s) => {
    const r = ratesAt(s, clean);
    const byCode: Record<string, number> = { OK: r.ok };
    if (r.unavailable) byCode.UNAVAILABLE = r.unavailable;
    if (r.cancelled) byCode.CANCELLED = r.cancelled;
    const completed = r.ok + r.unavailable + r.cancelled;
    const perPod = Object.fromEntries(podsAt(s).filter((p) => p.okPerSec > 0).map((p) => [p.name, p.okPerSec]));
    return { s, scheduled: completed, completed, skipped: 0, byCode, perPod, p99Ms: 8 + (r.unavailable ? 40 : 0), lagP99Ms: 1.2 };
  });
}

/** The run's result; `clean` is the fixed variant: the same rollout without a single error. */
export function resultOf(startMs: number, variant = INFO.variant, clean = false): RunResult {
  const tl = timeline(clean);
  const byCode: Record<string, number> = {};
  const perPod: Record<string, number> = {};
  for (const t of tl) {
    for (const [c, n] of Object.entries(t.byCode)) byCode[c] = (byCode[c] ?? 0) + n;
    for (const [p, n] of Object.entries(t.perPod)) perPod[p] = (perPod[p] ?? 0) + n;
  }
  const calls = tl.reduce((n, t) => n + t.completed, 0);
  const shares = Object.values(perPod);
  const mean = shares.reduce((a, b) => a + b, 0) / ALL_PODS.length;
  const events = Array.from({ length: SECONDS }, (_, s) => eventsAt(s, startMs)).flat();
  return {
    round: INFO.round,
    roundName: INFO.roundName,
    variant,
    platform: 'local',
    cluster: { provider: 'local', serverVersion: null, context: null },
    seed: 7,
    startedAt: new Date(startMs).toISOString(),
    durationS: SECONDS,
    calls,
    byCode,
    errorClasses: clean ? {} : { refused: byCode.UNAVAILABLE, cancelled: byCode.CANCELLED },
    errors: calls - (byCode.OK ?? 0),
    unavailableRate: (byCode.UNAVAILABLE ?? 0) / calls,
    podsWithTraffic: shares.length,
    podsTotal: ALL_PODS.length,
    perPod,
    maxMeanShare: Math.max(...shares) / mean,
    latencyMs: { p50: 4.2, p99: 48, max: 312 },
    newPods: Object.fromEntries(NEW.map((p) => [p, 1])),
    servedByB: calls,
    attemptsPerCall: 1,
    accounting: {
      scheduled: calls,
      completed: calls,
      inFlight: 0,
      skipped: 0,
      ok: byCode.OK,
      holds: true,
      check: `scheduled ${calls} = completed ${calls} + in flight 0 + skipped 0: holds`,
      processes: [{ pod: 'a-0', deployment: 'a', scheduled: calls, completed: calls, inFlight: 0, skipped: 0, ok: byCode.OK, holds: true, lagMs: { p50: 0.3, p99: 1.2, max: 4 } }],
    },
    scheduleLag: { lagMs: { p50: 0.3, p99: 1.2, max: 4 }, boundMs: 50, behind: false, check: 'A kept its schedule: lag p50 0.3 ms, p99 1.2 ms, max 4 ms (bound: p99 <= 50 ms)' },
    trusted: true,
    verdicts: verdicts(clean),
    events,
    timeline: tl,
    timelineCheck: {
      timeline: { scheduled: calls, completed: calls, skipped: 0 },
      beforeStart: { scheduled: 0, completed: 0, skipped: 0 },
      unread: { scheduled: 0, completed: 0, skipped: 0 },
      reconciles: true,
      check: `the timeline adds up to the accounting: scheduled ${calls}, completed ${calls}, skipped 0`,
    },
    pods: NEW.map((name) => ({ name, deployment: 'b', app: 'b', ip: '127.0.0.1', phase: 'Running' as const, ready: true, createdAt: startMs, restarts: 0 })),
    narration: ['Old pods left the endpoints while kube-proxy still routed new connections to them.', 'Those connections were refused: UNAVAILABLE, although every pod passed its readiness probe.'],
    kubectl: ['kubectl -n grpc-lab rollout restart deployment/b', 'kubectl -n grpc-lab get endpointslices -w'],
    pass: clean,
  };
}

/**
 * Plays the run through a view as the engine would: start, then per second the events and one
 * snapshot; in step mode it awaits the gate before the rollout. `stepMs` shortens the second.
 */
export async function playRun(view: LiveView, options: { stepMs: number; gate?: StepGate; until?: number }): Promise<number> {
  const startMs = performance.timeOrigin + performance.now();
  view.start(INFO);
  for (let s = 0; s < (options.until ?? SECONDS); s++) {
    if (options.gate && s === ROLLOUT_AT) await options.gate.waitForNext('Rolling restart of B');
    for (const e of eventsAt(s, startMs)) view.event(e);
    view.update(snapshotAt(s, startMs));
    await new Promise((r) => setTimeout(r, options.stepMs));
  }
  return startMs;
}
