// Real service processes for tests: each on its own loopback address, each stopped after the test.
// They start and are followed the way the benchmarks start theirs (bench/lib/follow.ts).
import type { ChildProcess } from 'node:child_process';
import { runningProcesses, spawnFollowed, type LogLine } from '../../bench/lib/follow.js';
import { PROJECT_ROOT } from '../../services/shared/project-root.js';

export { PROJECT_ROOT };
export { testSubnet } from './octets.js';


export interface ServiceProcess {
  proc: ChildProcess;
  ip: string;
  /** Every JSON line the process logged so far. */
  logs: LogLine[];
  stderr: () => string;
  /** Resolves with the first log line whose `event` matches. */
  waitForLog(event: string, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

export function startService(service: 'a' | 'b', env: Record<string, string>, ip: string): ServiceProcess {
  const p = spawnFollowed(`service-${service} ${ip}`, process.execPath, [`${PROJECT_ROOT}/dist/services/${service}/main.js`], { POD_IP: ip, ...env });
  return { proc: p.proc, ip, logs: p.logs, stderr: p.stderr, waitForLog: p.waitForLog, exited: p.exited, kill: (signal = 'SIGTERM') => p.proc.kill(signal) };
}

/** Kills every process this test file started (call from afterEach/afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    runningProcesses().map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve();
          p.once('exit', () => resolve());
          p.kill('SIGKILL');
        }),
    ),
  );
}
