// Service processes for the benchmarks: each pod a real `node dist/services/<x>/main.js` on its own
// loopback address, the way the local platform runs them. Every process started here is killed
// when the benchmark process exits, however it exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployedEnv } from './deployed-env.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const twoUp = path.resolve(here, '../..');
/** The project root, from dist/bench/lib (how the benchmarks run) or bench/lib (the sources). */
export const ROOT = path.basename(twoUp) === 'dist' ? path.dirname(twoUp) : twoUp;

export class BenchError extends Error {}

/** The absolute path of a built file; BenchError naming the build step when it is missing. */
export function built(relative: string): string {
  const file = path.join(ROOT, 'dist', relative);
  if (!existsSync(file)) throw new BenchError(`dist/${relative} is missing: build first (make build)`);
  return file;
}

/** A /24 of loopback addresses for one benchmark: 127.X.Y.1, .2, ... Its range stays clear of the
 *  local platform's default 127.10.0.0/16. */
export function benchSubnet(): (host: number) => string {
  const prefix = `127.${randomInt(30, 100)}.${randomInt(0, 256)}`;
  return (host) => `${prefix}.${host}`;
}

export interface Proc {
  name: string;
  proc: ChildProcess;
  /** Every JSON line logged on stdout so far. */
  logs: Array<Record<string, unknown>>;
  stdout(): string;
  stderr(): string;
  waitForLog(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (or `signal`), then SIGKILL if it is still alive after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=DIR'] to profile this process. */
  nodeArgs?: string[];
  args?: string[];
}

/** Starts `node FILE` (a path under dist/) and follows its JSON log lines. */
export function spawnNode(name: string, distFile: string, opts: SpawnOptions = {}): Proc {
  return spawnFollowed(name, process.execPath, [...(opts.nodeArgs ?? []), built(distFile), ...(opts.args ?? [])], opts.env);
}

/** Starts any program in the project root, keeps its output and follows its JSON log lines. */
export function spawnFollowed(name: string, command: string, args: string[], env: Record<string, string> = {}): Proc {
  const proc = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  const logs: Array<Record<string, unknown>> = [];
  const waiters: Array<{ event: string; resolve: (l: Record<string, unknown>) => void }> = [];
  let out = '';
  let err = '';
  let buf = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    out += text;
    buf += text;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const parsed = parseJsonLine(line);
      if (!parsed) continue;
      logs.push(parsed);
      for (const w of waiters.filter((w) => w.event === parsed.event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(parsed);
      }
    }
  });
  proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    }),
  );
  const waitForLog = (event: string, timeoutMs = 15_000): Promise<Record<string, unknown>> => {
    const seen = logs.find((l) => l.event === event);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new BenchError(`${name}: no "${event}" log within ${timeoutMs} ms${tail(err)}`)), timeoutMs);
      waiters.push({ event, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new BenchError(`${name} exited (${signal ?? `code ${code}`}) before "${event}"${tail(err)}`));
      });
    });
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { name, proc, logs, stdout: () => out, stderr: () => err, waitForLog, exited, stop };
}

function parseJsonLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function tail(stderr: string): string {
  const last = stderr.trim().split('\n').slice(-3).join(' | ');
  return last ? `; stderr: ${last}` : '';
}

/** A B pod: gRPC on ip:50051, /stats on ip:9090. Resolves once it reports ready. SHUTDOWN_MODE
 *  stop makes it exit through process.exit on SIGTERM, which is when --cpu-prof writes a profile. */
export async function startB(name: string, ip: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Proc> {
  const b = spawnNode(name, 'services/b/main.js', {
    env: { POD_NAME: name, POD_IP: ip, PORT: '50051', REST_PORT: '8080', METRICS_PORT: '9090', WORK_MS: '0', SHUTDOWN_MODE: 'stop', ...env },
    nodeArgs,
  });
  await b.waitForLog('ready');
  return b;
}

let aNodeOptionsRead: string | undefined;

/** A's Node options as its Deployment sets them (its young-generation size), read once. */
export function aNodeOptions(): string {
  aNodeOptionsRead ??= deployedEnv(ROOT, 'service-a-deployment.yaml', 'NODE_OPTIONS') ?? '';
  return aNodeOptionsRead;
}

/** An A pod: /stats on ip:9090. Resolves with its `started` log line (schedule seed, start time). */
export async function startA(name: string, ip: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<{ a: Proc; started: Record<string, unknown> }> {
  const a = spawnNode(name, 'services/a/main.js', {
    env: { POD_NAME: name, POD_IP: ip, STATS_PORT: '9090', STATS_LINGER_MS: '1000', NODE_OPTIONS: aNodeOptions(), ...env },
    nodeArgs,
  });
  return { a, started: await a.waitForLog('started') };
}

/** SIGTERM (a profiled process writes its profile on the way out), SIGKILL after 3 s. */
export async function stopAll(procs: Proc[]): Promise<void> {
  await Promise.all(procs.map((p) => p.stop('SIGTERM', 3000)));
}

/** GET a JSON document over HTTP. */
export async function getJson<T>(url: string, timeoutMs = 5000): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new BenchError(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when the child has exited; rejects with its stderr when the exit code is not 0. */
export async function succeeded(p: Proc): Promise<void> {
  const { code, signal } = await p.exited;
  if (code !== 0) throw new BenchError(`${p.name} failed (${signal ?? `exit code ${code}`})${tail(p.stderr())}`);
}
