// The live dashboard: one page on loopback, fed by server-sent events once a second, with the
// "Next" button of step mode. Plain node:http: four static files, one event stream, one action.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LiveView } from '../../model/live.js';
import { StepControl, ViewError } from '../step-control.js';
import { CONTENT_TYPES, readAsset, type AssetName } from './assets.js';
import { DashboardState, type DashboardMessage } from './dashboard-state.js';

export const DEFAULT_DASHBOARD_PORT = 8089;

export interface DashboardOptions {
  /** Default 8089; 0 picks a free port. */
  port?: number;
  /** Loopback only; default 127.0.0.1. */
  host?: string;
  /** Share one control with the terminal gate so Enter and "Next" open the same gate. */
  control?: StepControl;
}

export interface Dashboard {
  url: string;
  view: LiveView;
  gate: StepControl;
  close(): Promise<void>;
}

const ROUTES: Record<string, AssetName> = {
  '/': 'dashboard.html',
  '/dashboard.js': 'dashboard.js',
  '/charts.js': 'charts.js',
  '/style.css': 'style.css',
  '/uplot.js': 'uplot.js',
  '/uplot.css': 'uplot.css',
};

// proxies and browsers drop an idle event stream; a comment line keeps it open
const HEARTBEAT_MS = 15_000;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function sse(message: DashboardMessage): string {
  return `event: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`;
}

export async function startWebDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_DASHBOARD_PORT;
  if (!isLoopback(host)) throw new ViewError(`the dashboard listens on loopback only, not on ${host}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ViewError(`dashboard port must be 0..65535, got ${port}`);

  const control = options.control ?? new StepControl();
  const clients = new Set<http.ServerResponse>();
  const state = new DashboardState((message) => {
    const chunk = sse(message);
    for (const res of clients) res.write(chunk);
  });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (req.method === 'GET' && url.pathname === '/events') return openStream(res);
    if (req.method === 'GET' && url.pathname === '/state') return send(res, 200, 'application/json', JSON.stringify(state.current()));
    if (req.method === 'POST' && url.pathname === '/next') return next(req, res);
    const asset = ROUTES[url.pathname];
    if (req.method === 'GET' && asset) return send(res, 200, CONTENT_TYPES[asset.split('.').pop()!], readAsset(asset));
    send(res, 404, 'text/plain', 'not found\n');
  });

  function openStream(res: http.ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.write(`retry: 1000\n\n${sse(state.current())}`);
    clients.add(res);
    const beat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS).unref();
    res.on('close', () => {
      clearInterval(beat);
      clients.delete(res);
    });
  }

  function next(req: http.IncomingMessage, res: http.ServerResponse): void {
    // another site open in the trainer's browser must not be able to press "Next"
    const origin = req.headers.origin;
    if (origin && new URL(origin).host !== req.headers.host) return send(res, 403, 'application/json', '{"advanced":false}');
    const title = control.waiting;
    const advanced = control.next();
    send(res, advanced ? 200 : 409, 'application/json', JSON.stringify({ advanced, title }));
  }

  await listen(server, port, host);
  const unsubscribe = control.onChange((waiting) => state.gate(waiting));
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/`;

  const view: LiveView = {
    start: (info) => state.start(info),
    update: (snapshot) => state.update(snapshot),
    event: (event) => state.event(event),
    finish: (result) => state.finish(result),
    close: () => close(),
  };
  let closing: Promise<void> | null = null;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      unsubscribe();
      for (const res of clients) res.end();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  }
  return { url, view, gate: control, close };
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache' });
  res.end(body);
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      // The system's error travels as the cause: the CLI tells a taken port (exit 3) from a bad flag.
      if (err.code === 'EADDRINUSE') reject(new ViewError(`dashboard port ${port} on ${host} is already in use: choose another one (UI_PORT=N with make, LAB_UI_PORT=N otherwise)`, { cause: err }));
      else if (err.code === 'EADDRNOTAVAIL') reject(new ViewError(`cannot listen on ${host}: no such local address`, { cause: err }));
      else reject(new ViewError(`dashboard cannot listen on ${host}:${port}: ${err.message}`, { cause: err }));
    });
    server.listen(port, host, () => resolve());
  });
}
