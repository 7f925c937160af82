// Turns how a call ended into the short error class the lab counts. The rules are data, checked in
// order: the first whose code matches and whose text occurs in the details wins.
import type { ErrorClass } from '../shared/stats-schema.js';

interface Rule {
  code: string;
  /** Substring of the status details ('' matches any). */
  text: string;
  errorClass: ErrorClass;
}

const RULES: readonly Rule[] = [
  { code: 'CANCELLED', text: '', errorClass: 'cancelled' },
  { code: 'DEADLINE_EXCEEDED', text: '', errorClass: 'deadline' },
  // B's load shedding: "overloaded: <pod> at capacity <N>".
  { code: 'UNAVAILABLE', text: 'overloaded', errorClass: 'shed' },
  // grpc-js: the connection ended under a started call (process killed, socket closed).
  { code: 'UNAVAILABLE', text: 'Connection dropped', errorClass: 'dropped' },
  // grpc-js: no connection could be made for a call that had not started ("No connection
  // established. Last error: connect ECONNREFUSED ..." or "... read ECONNRESET"), or the server
  // refused the stream before handling it.
  { code: 'UNAVAILABLE', text: 'No connection established', errorClass: 'refused' },
  { code: 'UNAVAILABLE', text: 'ECONNREFUSED', errorClass: 'refused' },
  { code: 'UNAVAILABLE', text: 'Stream refused by server', errorClass: 'refused' },
  // A bare "read ECONNRESET" comes from a connection reset under a started call.
  { code: 'UNAVAILABLE', text: 'ECONNRESET', errorClass: 'dropped' },
];

/** The error class of a completed call, or null for OK. */
export function classify(code: string, details: string): ErrorClass | null {
  if (code === 'OK') return null;
  for (const rule of RULES) {
    if (rule.code === code && details.includes(rule.text)) return rule.errorClass;
  }
  return 'other';
}

/** REST outcome of an HTTP status, mapped to the gRPC status a gRPC call would have ended with. */
export interface RestOutcome {
  code: string;
  errorClass: ErrorClass | null;
}

// B's REST twin answers 503 when it sheds; the rest follows gRPC's HTTP-to-status mapping.
const HTTP_STATUS: Record<number, RestOutcome> = {
  200: { code: 'OK', errorClass: null },
  503: { code: 'UNAVAILABLE', errorClass: 'shed' },
  400: { code: 'INTERNAL', errorClass: 'other' },
  401: { code: 'UNAUTHENTICATED', errorClass: 'other' },
  403: { code: 'PERMISSION_DENIED', errorClass: 'other' },
  404: { code: 'UNIMPLEMENTED', errorClass: 'other' },
  429: { code: 'UNAVAILABLE', errorClass: 'other' },
  502: { code: 'UNAVAILABLE', errorClass: 'other' },
  504: { code: 'UNAVAILABLE', errorClass: 'other' },
};
const HTTP_UNKNOWN: RestOutcome = { code: 'UNKNOWN', errorClass: 'other' };

export function restStatusOutcome(httpStatus: number): RestOutcome {
  return HTTP_STATUS[httpStatus] ?? HTTP_UNKNOWN;
}

// Socket errors of a REST call, by Node's error code.
const SOCKET_ERRORS: Record<string, RestOutcome> = {
  ECONNREFUSED: { code: 'UNAVAILABLE', errorClass: 'refused' },
  ECONNRESET: { code: 'UNAVAILABLE', errorClass: 'dropped' },
  EPIPE: { code: 'UNAVAILABLE', errorClass: 'dropped' },
};
const SOCKET_OTHER: RestOutcome = { code: 'UNAVAILABLE', errorClass: 'other' };
export const REST_TIMEOUT: RestOutcome = { code: 'DEADLINE_EXCEEDED', errorClass: 'deadline' };

export function restErrorOutcome(errorCode: string | undefined): RestOutcome {
  return (errorCode !== undefined ? SOCKET_ERRORS[errorCode] : undefined) ?? SOCKET_OTHER;
}
