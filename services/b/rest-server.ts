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
  /** Graceful shutdown: answers the calls in flight with Connection: close and accepts no new ones. */
  stopAccepting(): void;
}

export function createRestServer(work: WorkService, podName: string): RestTwin {
  let draining = false;
  const server = http.createServer((req, res) => {
    if (draining) res.setHeader('connection', 'close');
    if (req.method !== 'POST' || req.url !== '/work') return sendJson(res, 404, { error: 'not found: POST /work is the only route' });
    void serveWork(work, podName, req, res);
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  return {
    server,
    stopAccepting() {
      draining = true;
      // Since Node 19, close() also closes the idle keep-alive connections at once.
      server.close();
    },
  };
}

async function serveWork(work: WorkService, podName: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const body = await readJson(req);
  const outcome = body.ok ? await work.serve(toWorkRequest(body.value), 'rest', abort.signal) : work.refuse('rest', body.error);
  sendOutcome(res, podName, outcome);
}

function sendOutcome(res: http.ServerResponse, podName: string, outcome: WorkOutcome): void {
  const status = ANSWERS[outcome.kind].httpStatus;
  if (outcome.kind === 'ok') return sendJson(res, status, { ...outcome.reply, payload: outcome.reply.payload.toString('base64') });
  if (outcome.kind === 'shed') return sendJson(res, status, { error: 'overloaded', pod: podName });
  if (outcome.kind === 'invalid') return sendJson(res, status, { error: outcome.details });
  // cancelled: the client has gone, there is nobody to answer.
}

function toWorkRequest(body: unknown): WorkRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return {
    callId: String(b.callId ?? ''),
    // Left as they came: WorkService rejects anything that is not a whole number in range.
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

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
