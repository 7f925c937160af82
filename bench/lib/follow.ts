// Starts a program and follows its JSON log lines (the services log one JSON object per line):
// the benchmarks and the tests both start real service processes this one way. Every process
// started here is killed when the process that started it exits, however it exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT } from '../../services/shared/project-root.js';

export type LogLine = Record<string, unknown>;

export interface Proc {
  name: string;
  proc: ChildProcess;
  /** Every JSON line logged on stdout so far. */
  logs: LogLine[];
  stdout(): string;
  stderr(): string;
  /** The first log line whose `event` matches, past or future; rejects if the process ends first. */
  waitForLog(event: string, timeoutMs?: number): Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (or `signal`), then SIGKILL if it is still alive after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export class FollowError extends Error {}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** The processes started here that have not exited yet. */
export function runningProcesses(): ChildProcess[] {
  return [...running];
}

function parseJsonLine(line: string): LogLine | null {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return null;
  }
}

/** The last lines of a process's stderr, for an error message. */
export function stderrTail(stderr: string): string {
  const last = stderr.trim().split('\n').slice(-3).join(' | ');
  return last ? `; stderr: ${last}` : '';
}

/** Starts a program in the project root, keeps its output and follows its JSON log lines. */
export function spawnFollowed(name: string, command: string, args: string[], env: Record<string, string> = {}): Proc {
  const proc = spawn(command, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  const logs: LogLine[] = [];
  const waiters: Array<{ event: string; resolve: (l: LogLine) => void }> = [];
  let out = '';
  let err = '';
  let buf = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    out += text;
    buf += text;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const parsed = parseJsonLine(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
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
  // 'close' comes after the last output: a line written just before the exit is read by then.
  const closed = new Promise<void>((resolve) => proc.on('close', () => resolve()));
  const waitForLog = (event: string, timeoutMs = 15_000): Promise<LogLine> => {
    const seen = logs.find((l) => l.event === event);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new FollowError(`${name}: no "${event}" log within ${timeoutMs} ms${stderrTail(err)}`)), timeoutMs);
      waiters.push({ event, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void closed.then(async () => {
        clearTimeout(timer);
        const { code, signal } = await exited;
        reject(new FollowError(`${name} exited (${signal ?? `code ${code}`}) before "${event}"${stderrTail(err)}`));
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
