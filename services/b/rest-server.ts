// The REST twin of Backend.Work for round 5: the same work, capacity and accounting over HTTP/1.1
// with JSON and keep-alive, so the two protocols can be compared call for call.
import http from 'node:http';
import type { WorkRequest } from '../shared/proto.js';
import { ANSWERS, type WorkOutcome, type WorkService } from './serve-work.js';

/** A Work request is a few dozen bytes; anything much larger is not one. */
const MAX_BODY_BYTES = 64 * 1024;
/** Longer than the idle timeout of common HTTP clients, so the server is not the side that closes a
 *  keep-alive connection just as the client reuses it (a reset that would count as an error). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface RestTwin {
  server: http.Server;
  /** Graceful shutdown: accepts no new connection, answers the calls in flight with Connection: close. */
  stopAccepting(): void;
}

type Reply = { status: number; body: unknown } | null;

export function createRestServer(work: WorkService, podName: string): RestTwin {
  let draining = false;
  const server = http.createServer((req, res) => {
    const answer = (reply: Reply) => reply && sendJson(res, reply, draining);
    if (req.method !== 'POST' || req.url !== '/work') return answer({ status: 404, body: { error: 'not found: POST /work is the only route' } });
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    void serveWork(work, req, abort.signal).then((outcome) => answer(replyTo(outcome, podName)));
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  return {
    server,
    stopAccepting() {
      draining = true;
      // Since Node 19 close() also closes idle keep-alive connections (between two requests) at
      // once; one that never sent a request stays until the drain deadline's closeAllConnections().
      server.close();
    },
  };
}

async function serveWork(work: WorkService, req: http.IncomingMessage, signal: AbortSignal): Promise<WorkOutcome> {
  const body = await readJson(req);
  return body.ok ? work.serve(toWorkRequest(body.value), 'rest', signal) : work.refuse('rest', body.error);
}

function replyTo(outcome: WorkOutcome, podName: string): Reply {
  const status = ANSWERS[outcome.kind].httpStatus;
  switch (outcome.kind) {
    case 'ok':
      return { status, body: { ...outcome.reply, payload: outcome.reply.payload.toString('base64') } };
    case 'shed':
      return { status, body: { error: 'overloaded', pod: podName } };
    case 'invalid':
      return { status, body: { error: outcome.details } };
    case 'cancelled':
      return null; // the client has gone: nobody to answer
  }
}

function toWorkRequest(body: unknown): WorkRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return {
    callId: String(b.callId ?? ''),
    // Passed on as they came: WorkService rejects anything that is not a whole number in range.
    payloadSize: (b.payloadSize ?? 0) as number,
    workMs: b.workMs === undefined || b.workMs === null ? undefined : (b.workMs as number),
  };
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

async function readJson(req: http.IncomingMessage): Promise<Parsed> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return { ok: false, error: `body larger than ${MAX_BODY_BYTES} bytes` };
      chunks.push(chunk);
    }
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch (err) {
    return { ok: false, error: `body is not JSON: ${(err as Error).message}` };
  }
}

/** `closing` is read when the answer is written, so a call that arrived before SIGTERM still learns
 *  that the pod is going away and does not reuse the connection. */
function sendJson(res: http.ServerResponse, reply: { status: number; body: unknown }, closing: boolean): void {
  if (res.destroyed) return;
  const text = JSON.stringify(reply.body);
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  if (closing) headers.connection = 'close';
  res.writeHead(reply.status, headers).end(text);
}
