// One Work call from arrival to answer, shared by the gRPC service and its REST twin so both
// protocols do the same work, share one capacity and are counted the same way.
import * as grpc from '@grpc/grpc-js';
import type { WorkReply, WorkRequest } from '../shared/proto.js';
import type { Admission } from './shedding.js';
import { shedDetails } from './shedding.js';
import type { CallStats, Protocol } from './stats.js';
import { payloadOf, type WorkSimulator } from './work.js';

/** Large enough for round 5's payload sweep, far below gRPC's default 4 MiB message limit. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
const MAX_WORK_MS = 10 * 60_000;

export type WorkOutcome =
  | { kind: 'ok'; reply: WorkReply }
  | { kind: 'shed' | 'invalid' | 'cancelled'; details: string };

/** How each outcome is answered on each protocol (a cancelled call has nobody left to answer). */
export const ANSWERS: Record<WorkOutcome['kind'], { code: grpc.status; httpStatus: number }> = {
  ok: { code: grpc.status.OK, httpStatus: 200 },
  shed: { code: grpc.status.UNAVAILABLE, httpStatus: 503 },
  invalid: { code: grpc.status.INVALID_ARGUMENT, httpStatus: 400 },
  cancelled: { code: grpc.status.CANCELLED, httpStatus: 499 },
};

export interface Identity {
  podName: string;
  podIp: string;
}

export class WorkService {
  constructor(
    private readonly pod: Identity,
    private readonly simulator: WorkSimulator,
    private readonly admission: Admission,
    private readonly stats: CallStats,
  ) {}

  /** Serves one call; `signal` aborts when the caller goes away (the work stops and frees its slot). */
  async serve(req: WorkRequest, protocol: Protocol, signal: AbortSignal): Promise<WorkOutcome> {
    const problem = problemWith(req);
    if (problem) return this.refuse(protocol, problem);
    if (!this.admission.tryEnter()) {
      return this.answer(protocol, { kind: 'shed', details: shedDetails(this.pod.podName, this.admission.capacity) });
    }
    try {
      return this.answer(protocol, await this.work(req, signal));
    } finally {
      // Same synchronous step as answer(): /stats never sees a call both answered and in flight.
      this.admission.leave();
    }
  }

  /** Answers a request that could not even be read (REST: malformed JSON). */
  refuse(protocol: Protocol, details: string): WorkOutcome {
    return this.answer(protocol, { kind: 'invalid', details });
  }

  private async work(req: WorkRequest, signal: AbortSignal): Promise<WorkOutcome> {
    try {
      await this.simulator.run(req.workMs, signal);
    } catch (err) {
      if (signal.aborted) return { kind: 'cancelled', details: 'the caller went away' };
      throw err;
    }
    const { podName, podIp } = this.pod;
    return { kind: 'ok', reply: { podName, podIp, servedAtMs: Date.now(), payload: payloadOf(req.payloadSize) } };
  }

  private answer(protocol: Protocol, outcome: WorkOutcome): WorkOutcome {
    this.stats.answered(protocol, grpc.status[ANSWERS[outcome.kind].code], outcome.kind === 'shed');
    return outcome;
  }
}

function problemWith(req: WorkRequest): string | null {
  if (!isWholeIn(req.payloadSize, 0, MAX_PAYLOAD_BYTES)) return `payloadSize must be a whole number from 0 to ${MAX_PAYLOAD_BYTES}`;
  if (req.workMs !== undefined && !isWholeIn(req.workMs, 0, MAX_WORK_MS)) return `workMs must be a whole number from 0 to ${MAX_WORK_MS}`;
  return null;
}

function isWholeIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}
