// Makes sure no pod process outlives the lab, whatever ends the orchestrator:
// - a normal down(): the kubelet stops every pod (SIGTERM, then SIGKILL after a short grace);
// - process.exit() or an uncaught error: an 'exit' hook SIGKILLs every pod still running;
// - SIGKILL of the orchestrator, or any death without JavaScript running: the watchdog process
//   (watchdog.ts) sees its stdin pipe close and SIGKILLs every pod it was told about.
// Every pod is a process group leader (spawned detached), so signals go to the whole group.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { builtFile, PROJECT_ROOT } from './paths.js';
import { signalGroup } from './signal-group.js';

export class ChildGuard {
  private watchdog?: ChildProcess;
  private readonly pids = new Set<number>();
  private readonly exitHook = (): void => this.killAllNow();

  /** Starts the watchdog; it also removes workDir if the orchestrator dies. */
  start(workDir: string): void {
    if (this.watchdog) return;
    const watchdog = spawn(process.execPath, [builtFile('scripts/platforms/local/watchdog.js'), workDir], {
      cwd: PROJECT_ROOT,
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    // The watchdog must not keep the orchestrator alive, nor die with it on a Ctrl-C.
    watchdog.unref();
    (watchdog.stdin as Socket).unref();
    watchdog.stdin!.on('error', () => undefined);
    this.watchdog = watchdog;
    process.on('exit', this.exitHook);
  }

  get watchdogPid(): number | undefined {
    return this.watchdog?.pid;
  }

  track(pid: number): void {
    this.pids.add(pid);
    this.watchdog?.stdin?.write(`+${pid}\n`);
  }

  untrack(pid: number): void {
    this.pids.delete(pid);
    this.watchdog?.stdin?.write(`-${pid}\n`);
  }

  /** Synchronous, for the exit hook: SIGKILL to every tracked process group. */
  killAllNow(): void {
    for (const pid of this.pids) signalGroup(pid, 'SIGKILL');
    this.pids.clear();
  }

  /** After every pod has exited: lets the watchdog go (it exits when its stdin ends). */
  stop(): void {
    process.off('exit', this.exitHook);
    this.killAllNow();
    this.watchdog?.stdin?.end();
    this.watchdog = undefined;
  }
}
