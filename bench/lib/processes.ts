// Service processes for the benchmarks: each pod a real `node dist/services/<x>/main.js` on its own
// loopback address, the way the local platform runs them. Every process started here is killed
// when the benchmark process exits, however it exits.
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { httpGet } from '../../scripts/lib/http-get.js';
import { PROJECT_ROOT } from '../../services/shared/project-root.js';
import { deployedEnv } from './deployed-env.js';
import { spawnFollowed, stderrTail as tail, type Proc } from './follow.js';

export { PROJECT_ROOT, spawnFollowed, type Proc };

export class BenchError extends Error {}

/** The absolute path of a built file; BenchError naming the build step when it is missing. */
export function built(relative: string): string {
  const file = path.join(PROJECT_ROOT, 'dist', relative);
  if (!existsSync(file)) throw new BenchError(`dist/${relative} is missing: build first (make build)`);
  return file;
}

/** A /24 of loopback addresses for one benchmark: 127.X.Y.1, .2, ... Its range stays clear of the
 *  local platform's default 127.10.0.0/16. */
export function benchSubnet(): (host: number) => string {
  const prefix = `127.${randomInt(30, 100)}.${randomInt(0, 256)}`;
  return (host) => `${prefix}.${host}`;
}

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
  aNodeOptionsRead ??= deployedEnv(PROJECT_ROOT, 'service-a-deployment.yaml', 'NODE_OPTIONS') ?? '';
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
  const { status, body } = await httpGet(new URL(url), { timeoutMs });
  if (status < 200 || status >= 300) throw new BenchError(`GET ${url}: HTTP ${status}`);
  return JSON.parse(body) as T;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when the child has exited; rejects with its stderr when the exit code is not 0. */
export async function succeeded(p: Proc): Promise<void> {
  const { code, signal } = await p.exited;
  if (code !== 0) throw new BenchError(`${p.name} failed (${signal ?? `exit code ${code}`})${tail(p.stderr())}`);
}
