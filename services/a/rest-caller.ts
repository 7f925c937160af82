// The per-call path over REST (HTTP/1.1 + JSON) against B's twin endpoint, for round 5. Outcomes
// are mapped onto the gRPC status a gRPC call would have ended with, so both protocols share one
// set of books (see outcome.ts).
import http from 'node:http';
import type { AConfig } from './config.js';
import { elapsedUs, type Caller, type Complete } from './caller.js';
import { REST_TIMEOUT, restErrorOutcome, restStatusOutcome, type RestOutcome } from './outcome.js';
import { lookupThrough } from './rest-lookup.js';

const PARSE_FAILURE: RestOutcome = { code: 'INTERNAL', errorClass: 'other' };

export function restCaller(cfg: AConfig, complete: Complete): Caller {
  const url = cfg.restTarget!;
  // Keep-alive: connections are reused like a gRPC channel's, so round 5 compares protocols, not
  // connection set-up costs.
  const agent = new http.Agent({ keepAlive: true });
  const path = `${url.pathname.replace(/\/$/, '')}/work`;
  const base = {
    agent,
    hostname: url.hostname,
    port: url.port === '' ? 80 : Number(url.port),
    path,
    method: 'POST',
    ...(cfg.dnsServer ? { lookup: lookupThrough(cfg.dnsServer) } : {}),
  };
  const { deadlineMs, payloadSize } = cfg;
  const idPrefix = `${cfg.podName}-`;
  let seq = 0;

  return {
    target: url.origin,
    call() {
      const start = performance.now();
      const body = JSON.stringify({ callId: idPrefix + ++seq, payloadSize });
      let done = false;
      const end = (outcome: RestOutcome, pod: string | null): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        complete(outcome.code, outcome.errorClass, pod, elapsedUs(start));
      };
      const req = http.request(
        { ...base, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const outcome = restStatusOutcome(res.statusCode ?? 0);
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('error', (err: NodeJS.ErrnoException) => end(restErrorOutcome(err.code), null));
          res.on('end', () => {
            if (outcome.code !== 'OK') return end(outcome, null);
            const pod = podOf(text);
            end(pod === null ? PARSE_FAILURE : outcome, pod);
          });
        },
      );
      // The deadline covers the whole exchange, like a gRPC deadline (http's own timeout only
      // measures socket idleness).
      const timer = setTimeout(() => {
        end(REST_TIMEOUT, null);
        req.destroy();
      }, deadlineMs);
      req.on('error', (err: NodeJS.ErrnoException) => end(restErrorOutcome(err.code), null));
      req.end(body);
    },
    close() {
      agent.destroy();
    },
  };
}

function podOf(json: string): string | null {
  try {
    const pod = (JSON.parse(json) as { podName?: unknown }).podName;
    return typeof pod === 'string' ? pod : null;
  } catch {
    return null;
  }
}
