// The lab's pause (node/images/pause), built with go and run as PID 1 of a new PID namespace as a
// pod sandbox runs it: it sleeps, reaps the orphans the namespace hands it, and exits 0 on SIGTERM.
// A plain `sleep` as PID 1 is the control: the same orphan stays a zombie under it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT as ROOT } from './helpers/processes.js';

const SRC = path.join(ROOT, 'node/images/pause');
const tools = ['go', 'unshare', 'nsenter'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
const root = process.getuid?.() === 0;
const out = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-pause-'));
const BIN = path.join(out, 'pause');
const started: Array<ReturnType<typeof spawn>> = [];

afterEach(() => {
  for (const p of started.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The host pid of PID 1 in the namespace that `unshare --fork` made (unshare's only child). */
async function initOf(unsharePid: number): Promise<number> {
  const end = Date.now() + 5_000;
  while (Date.now() < end) {
    const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim();
    if (children !== '') return Number(children.split(' ')[0]);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('unshare started no child');
}

/** Children of pid, each with its state letter (Z for a zombie). */
function childrenOf(pid: number): Array<{ pid: number; state: string }> {
  const list = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  if (list === '') return [];
  return list.split(' ').map((c) => ({ pid: Number(c), state: /^State:\s+(\S)/m.exec(readFileSync(`/proc/${c}/status`, 'utf8'))![1]! }));
}

/** Starts argv as PID 1 of a new PID namespace; returns unshare's process and the init's host pid. */
async function asInit(argv: string[]) {
  const p = spawn('unshare', ['--pid', '--fork', '--kill-child', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(p);
  let stderr = '';
  p.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
  return { p, init: await initOf(p.pid!), stderr: () => stderr, exited };
}

/** Inside pid's namespace, a shell that leaves a short-lived orphan behind; it goes to PID 1. */
function leaveOrphan(pid: number) {
  const r = spawnSync('nsenter', ['--target', String(pid), '--pid', '--', 'sh', '-c', 'sleep 0.2 & exit 0'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

describe.skipIf(!tools || !root)('node/images/pause, run as a sandbox runs it (needs root, go, unshare, nsenter)', () => {
  beforeAll(() => {
    const r = spawnSync('go', ['build', '-trimpath', '-o', BIN, '.'], {
      cwd: SRC,
      env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
  }, 180_000);

  it('is a static binary that prints its version for -v', () => {
    expect(spawnSync('file', [BIN], { encoding: 'utf8' }).stdout).toMatch(/statically linked/);
    expect(spawnSync(BIN, ['-v'], { encoding: 'utf8' }).stdout).toBe('pause.go (grpc-k8s-lab) 3.10.1\n');
  });

  it('reaps the orphans it inherits as PID 1, where a plain sleep leaves a zombie', async () => {
    const control = await asInit(['sleep', '30']);
    leaveOrphan(control.init);
    await new Promise((r) => setTimeout(r, 600));
    expect(childrenOf(control.init).map((c) => c.state)).toEqual(['Z']);

    const pause = await asInit([BIN]);
    leaveOrphan(pause.init);
    leaveOrphan(pause.init);
    await new Promise((r) => setTimeout(r, 600));
    expect(childrenOf(pause.init)).toEqual([]);
    expect(pause.stderr()).toBe('');
  });

  it('exits 0 on SIGTERM and on SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const pause = await asInit([BIN]);
      // Past the Go runtime's start-up: a signal before signal.Notify runs ends it with status 2.
      await new Promise((r) => setTimeout(r, 300));
      process.kill(pause.init, signal);
      // unshare exits with its child's status.
      expect(await pause.exited).toBe(0);
      expect(pause.stderr()).toMatch(/^Shutting down, got signal: /);
    }
  });
});
