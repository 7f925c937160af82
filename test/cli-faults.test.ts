// Faults injected into a real `lab run` (the built CLI, the local platform): a pod address held by
// another program, a reports directory or TMPDIR the lab cannot write, HAProxy missing, a taken
// dashboard port, Ctrl-C and SIGTERM while the platform is still starting. Each asserts the exit
// code, the one line a person reads, and that nothing is left behind: no process of the lab, no
// temporary directory, no address still answering.
import { spawn, type SpawnOptions } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { oneLabAtATime } from './helpers/lab-lock.js';
import { PROJECT_ROOT } from './helpers/processes.js';
import { readableProject } from './helpers/readable-copy.js';
import { testOctet } from './helpers/octets.js';

const LAB = path.join(PROJECT_ROOT, 'dist/scripts/cli/lab.js');
let readable: { dir: string; remove: () => void } | undefined;
function readableRoot(): string {
  readable ??= readableProject(PROJECT_ROOT, ['dist', 'node_modules', 'k8s', 'proto', 'package.json']);
  return readable.dir;
}
afterAll(() => readable?.remove());
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
// Each case starts the CLI and renders manifests with kubectl: seconds on a quiet machine, far
// more on a 2-core one that is busy with other tests.
const CLI_TIMEOUT_MS = 180_000;

interface LabRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the trigger (or the start) to the exit. */
  ms: number;
}

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fresh directory for one run (removed after the test); world-writable when `open`. */
function scratch(name: string, open = false): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `grpc-lab-fault-${name}-`));
  if (open) chmodSync(dir, 0o777);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Runs `lab ARGS` with ENV; when `when` is given, calls it with each stdout chunk until it returns
 * true (it sends a signal or injects a fault then). As nobody when `unprivileged` and root.
 */
function lab(args: string[], env: Record<string, string>, opts: { when?: (stdout: string, pid: number) => boolean; unprivileged?: boolean; timeoutMs?: number } = {}): Promise<LabRun> {
  const spawnOpts: SpawnOptions = { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] };
  let lab = LAB;
  if (opts.unprivileged && isRoot) {
    // nobody may not be able to read the checkout (a fresh clone in a private folder): it runs a
    // readable copy of what the lab needs.
    const root = readableRoot();
    Object.assign(spawnOpts, { uid: NOBODY, gid: NOBODY, cwd: root });
    lab = path.join(root, 'dist/scripts/cli/lab.js');
  }
  const child = spawn(process.execPath, [lab, ...args], spawnOpts);
  // A test that timed out must not leave its lab running (and writing into removed directories).
  cleanups.push(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
  let stdout = '';
  let stderr = '';
  let triggered = opts.when === undefined;
  let from = Date.now();
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (!triggered && opts.when!(stdout, child.pid!)) {
      triggered = true;
      from = Date.now();
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? CLI_TIMEOUT_MS - 10_000);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      // Let the pipes drain: the last line may arrive after the exit event.
      setTimeout(() => resolve({ code, signal, stdout, stderr, ms: Date.now() - from }), 50);
    }),
  );
}

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

/** Holds ip:port as another program would; released after the test. */
async function hold(ip: string, port: number): Promise<net.Server> {
  // It accepts and never answers, like a program that is not a pod (the lab's probes connect to it).
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: ip, port, exclusive: true }, () => resolve());
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return server;
}

/** Pids of processes still running with a pod address of this lab, or started with this TMPDIR. */
function leftovers(octet: number, tmpdir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (environ.includes(`POD_IP=127.${octet}.`) || cmdline.includes(tmpdir)) found.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Nothing of the lab is left: no process, nothing in its TMPDIR, no DNS or pod answering. */
async function expectNothingLeft(octet: number, tmpdir: string, pods: string[] = []): Promise<void> {
  // The run has exited; its pods were signalled before that. Give the kernel a moment to reap.
  for (let i = 0; i < 20 && leftovers(octet, tmpdir).length > 0; i++) await sleep(100);
  expect(leftovers(octet, tmpdir)).toEqual([]);
  expect(readdirSync(tmpdir)).toEqual([]);
  for (const address of [`127.${octet}.0.10:10053`, ...pods]) {
    const [host, port] = address.split(':');
    expect(await connects(host, Number(port)), `${address} still answers`).toBe(false);
  }
}

describe('lab run: the preflight finds what the whole run needs before its first variant', { timeout: CLI_TIMEOUT_MS }, () => {
  it('a pod address held by another program: exit 3 at once, one line naming it, nothing started', async () => {
    const octet = testOctet();
    const tmpdir = scratch('tmp');
    // Round 3 broken: B x10 on 127.N.1.1-10, A on 127.N.1.11; B's metrics port on its third pod.
    await hold(`127.${octet}.1.3`, 9090);
    const r = await lab(['run', '3', '--variant', 'broken', '--platform', 'local', '--reports', scratch('reports')], { LAB_LOCAL_OCTET: String(octet), TMPDIR: tmpdir });
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toBe(`lab: cannot run: port 127.${octet}.1.3:9090 for a pod is already in use: stop what holds it, or give the lab another 127.N.0.0/16 (LAB_LOCAL_OCTET=N)`);
    expect(r.stdout).not.toContain('== round');
    // At once: not after the 180 s rollout timeout of a pod crash-looping on its address (the
    // margin is for a busy machine, where starting the CLI alone can take tens of seconds).
    expect(r.ms).toBeLessThan(150_000);
    await expectNothingLeft(octet, tmpdir);
  });

  it('missing HAProxy: exit 3 before round 3\'s first variant, naming the variant that needs it', async () => {
    const octet = testOctet();
    const tmpdir = scratch('tmp');
    const reports = scratch('reports');
    const r = await lab(['run', '3', '--platform', 'local', '--reports', reports], { LAB_LOCAL_OCTET: String(octet), TMPDIR: tmpdir, LAB_HAPROXY: '/nonexistent/haproxy' });
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toBe(
      'lab: cannot run: round 3 l7-proxy: the haproxy image runs LAB_HAPROXY=/nonexistent/haproxy, which is not an executable file: unset it to run the system haproxy (apt-get install haproxy)',
    );
    // No variant ran for nothing: not broken, before l7-proxy, nor any after it.
    expect(r.stdout).not.toContain('== round');
    expect(readdirSync(reports)).toEqual([]);
    await expectNothingLeft(octet, tmpdir);
  });

  it.each([
    ['missing', () => '/nonexistent/lab-tmp', 'ENOENT'],
    ['not a directory', () => {
      const file = path.join(scratch('file', true), 'tmp');
      writeFileSync(file, '');
      return file;
    }, 'ENOTDIR'],
    ['read-only', () => {
      const dir = scratch('ro');
      chmodSync(dir, 0o555);
      return dir;
    }, 'EACCES'],
  ])('a %s TMPDIR: exit 3 with one line naming TMPDIR', async (_what, make, code) => {
    const tmpdir = make();
    const reports = scratch('reports', true);
    const r = await lab(['run', '3', '--variant', 'broken', '--platform', 'local', '--reports', reports], { LAB_LOCAL_OCTET: String(testOctet()), TMPDIR: tmpdir, HOME: reports }, { unprivileged: true });
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toBe(`lab: cannot run: TMPDIR ${tmpdir} is not usable (${code}): the local platform keeps its pods' files there; set TMPDIR to a writable directory`);
    expect(r.stdout).not.toContain('== round');
    expect(readdirSync(reports)).toEqual([]);
    expect(leftovers(243, tmpdir)).toEqual([]);
  });

  it('a read-only reports directory: exit 3 before the run, not exit 4 after it', async () => {
    const tmpdir = scratch('tmp', true);
    const reports = scratch('reports');
    chmodSync(reports, 0o555);
    const r = await lab(['run', '3', '--variant', 'broken', '--platform', 'local', '--reports', path.join(reports, 'out')], { LAB_LOCAL_OCTET: String(testOctet()), TMPDIR: tmpdir, HOME: tmpdir }, { unprivileged: true });
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toBe(`lab: cannot run: reports directory ${path.join(reports, 'out')} is not writable (EACCES): the run's results would be lost; choose another with --reports DIR`);
    expect(r.stdout).not.toContain('== round');
    await expectNothingLeft(244, tmpdir);
  });

  it('every problem at once, one line each', async () => {
    const tmpdir = '/nonexistent/lab-tmp';
    const r = await lab(['run', '3', '--platform', 'local', '--reports', '/proc/lab-reports'], { LAB_LOCAL_OCTET: String(testOctet()), TMPDIR: tmpdir, LAB_HAPROXY: '/nonexistent/haproxy' });
    expect(r.code).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines.map((l) => l.replace(/ \(.*$/, ''))).toEqual([
      'lab: cannot run: reports directory /proc/lab-reports is not writable',
      'lab: cannot run: TMPDIR /nonexistent/lab-tmp is not usable',
      'lab: cannot run: round 3 l7-proxy: the haproxy image runs LAB_HAPROXY=/nonexistent/haproxy, which is not an executable file: unset it to run the system haproxy',
    ]);
  });

  it('a taken dashboard port: exit 3 (a taken port), not 2, and nothing started', async () => {
    const tmpdir = scratch('tmp');
    const server = await hold('127.0.0.1', 0);
    const port = (server.address() as net.AddressInfo).port;
    const r = await lab(['run', '3', '--variant', 'broken', '--platform', 'local', '--ui', '--reports', scratch('reports')], { LAB_LOCAL_OCTET: String(testOctet()), TMPDIR: tmpdir, LAB_UI_PORT: String(port) });
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toBe(`lab: cannot run: dashboard port ${port} on 127.0.0.1 is already in use: choose another one (UI_PORT=N with make, LAB_UI_PORT=N otherwise)`);
    expect(r.stdout).not.toContain('== round');
    await expectNothingLeft(246, tmpdir);
  });
});

describe('lab run: a signal while the platform is still starting', () => {
  // The start-up is made to hang the way a real one does: once the run says "bringing up", A's
  // address is taken, so A's pod crash-loops and its rollout would wait for the full 180 s.
  it.each([
    ['SIGINT', 130, /^lab: interrupted; everything the run started was torn down$/],
    ['SIGTERM', 143, /^lab: terminated by SIGTERM; everything the run started was torn down$/],
  ] as const)('%s: the start-up is abandoned, everything torn down within seconds, exit %i', (signal, code, line) =>
    oneLabAtATime(async () => {
      const octet = testOctet();
      const tmpdir = scratch('tmp');
      let held = false;
      let sent = false;
      const r = await lab(['run', '3', '--variant', 'broken', '--platform', 'local', '--reports', scratch('reports')], { LAB_LOCAL_OCTET: String(octet), TMPDIR: tmpdir }, {
        when: (stdout, pid) => {
          if (!held && stdout.includes('bringing up')) {
            held = true;
            void hold(`127.${octet}.1.11`, 9090).then(async () => {
              // B's ten pods are up within seconds; then only A's rollout is left, and it hangs.
              await sleep(6000);
              sent = true;
              process.kill(pid, signal);
            });
          }
          return sent;
        },
      });
      expect(sent).toBe(true);
      expect(r.code).toBe(code);
      expect(r.stdout).toContain(`${signal}: tearing down everything the run started (again to exit at once)`);
      expect(r.stdout).not.toContain('step 1/');
      expect(oneLine(r.stderr)).toMatch(line);
      // Not the rollout timeout (180 s), nor the forced exit after the tear-down's timeout (20 s).
      expect(r.ms).toBeLessThan(10_000);
      await expectNothingLeft(octet, tmpdir, Array.from({ length: 10 }, (_, i) => `127.${octet}.1.${i + 1}:50051`));
    }),
  CLI_TIMEOUT_MS);
});

