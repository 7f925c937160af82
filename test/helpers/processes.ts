// Real service processes for tests: each on its own loopback address, each stopped after the test.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomInt } from 'node:crypto';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A random 127.X.Y.0/24 for one test file, so parallel test files never share an address. */
export function testSubnet(): string {
  return `127.${randomInt(100, 251)}.${randomInt(0, 256)}`;
}

export interface ServiceProcess {
  proc: ChildProcess;
  ip: string;
  /** Every JSON line the process logged so far. */
  logs: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Resolves with the first log line whose `event` matches. */
  waitForLog(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();

export function startService(service: 'a' | 'b', env: Record<string, string>, ip: string): ServiceProcess {
  const proc = spawn(process.execPath, [path.join(ROOT, `dist/services/${service}/main.js`)], {
    cwd: ROOT,
    env: { ...process.env, POD_IP: ip, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  const logs: Array<Record<string, unknown>> = [];
  const waiters: Array<{ event: string; resolve: (l: Record<string, unknown>) => void }> = [];
  let err = '';
  let buf = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        logs.push(parsed);
        for (const w of waiters.filter((w) => w.event === parsed.event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(parsed);
        }
      } catch {
        // not a JSON log line: ignore
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
  return {
    proc,
    ip,
    logs,
    stderr: () => err,
    exited,
    kill: (signal = 'SIGTERM') => proc.kill(signal),
    waitForLog(event, timeoutMs = 15_000) {
      const seen = logs.find((l) => l.event === event);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${event}" log within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        waiters.push({ event, resolve: (l) => (clearTimeout(timer), resolve(l)) });
        void exited.then(() => setTimeout(() => reject(new Error(`process exited before "${event}"; stderr: ${err}`)), 50));
      });
    },
  };
}

/** Kills every process started by this test file (call from afterEach/afterAll). */
export async function stopAll(): Promise<void> {
  const procs = [...running];
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve();
          p.once('exit', () => resolve());
          p.kill('SIGKILL');
        }),
    ),
  );
}
