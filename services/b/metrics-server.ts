// B's observability port: Prometheus metrics for people and dashboards, /stats JSON for the lab's
// collector. Both read the same CallStats.
import http from 'node:http';
import type { CallStats } from './stats.js';

type Route = (stats: CallStats) => Promise<{ contentType: string; body: string }>;

const ROUTES: Record<string, Route> = {
  '/metrics': async (stats) => ({ contentType: stats.registry.contentType, body: await stats.registry.metrics() }),
  '/stats': async (stats) => ({ contentType: 'application/json', body: JSON.stringify(await stats.snapshot()) }),
};

export function createMetricsServer(stats: CallStats): http.Server {
  return http.createServer((req, res) => {
    const route = req.method === 'GET' ? ROUTES[new URL(req.url ?? '/', 'http://b').pathname] : undefined;
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found; try ${Object.keys(ROUTES).join(' or ')}\n`);
      return;
    }
    route(stats).then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
}
