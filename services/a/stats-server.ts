// A's HTTP endpoints for the collector, Prometheus and probes: GET /stats?after=SEQ, /metrics,
// /healthz. Bound to POD_IP only, like a pod's own address.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StatsResponse } from '../shared/stats-schema.js';
import type { Metrics } from './metrics.js';

export interface StatsSource {
  stats(after: number): StatsResponse;
  metrics: Metrics;
  /** /healthz answers 200 while this is true. */
  healthy(): boolean;
}

type Reply = { status: number; type: string; body: string };

const text = (status: number, body: string): Reply => ({ status, type: 'text/plain; charset=utf-8', body: `${body}\n` });

async function route(url: URL, source: StatsSource): Promise<Reply> {
  switch (url.pathname) {
    case '/stats': {
      const raw = url.searchParams.get('after') ?? '0';
      const after = Number(raw);
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(after)) return text(400, `after=${raw} must be a whole number >= 0`);
      return { status: 200, type: 'application/json', body: JSON.stringify(source.stats(after)) };
    }
    case '/metrics':
      return { status: 200, type: source.metrics.contentType, body: await source.metrics.render() };
    case '/healthz':
      return source.healthy() ? text(200, 'ok') : text(503, 'stopping');
    default:
      return text(404, 'not found: try /stats, /metrics or /healthz');
  }
}

export async function startStatsServer(host: string, port: number, source: StatsSource): Promise<{ server: http.Server; address: AddressInfo }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    route(new URL(req.url ?? '/', 'http://a'), source).then(
      (r) => res.writeHead(r.status, { 'content-type': r.type }).end(r.body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, address: server.address() as AddressInfo };
}
