// The README's exit-code table, both columns: what `lab` exits with, and what the make targets
// that run it exit with. The lab's codes come from its own runs where they are quick to cause
// (bad input, a platform that cannot be used); under make, a stand-in for the lab exits with each
// code in turn (test/fixtures/lab-stand-in.mjs), and a signal reaches make the way a terminal or
// a supervisor sends it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../scripts/cli/lab.js';
import { USAGE } from '../scripts/cli/args.js';
import { PROJECT_ROOT } from './helpers/processes.js';

interface Row {
  code: number;
  lab: string;
  make: string;
}

/** The rows between the README's exit-codes markers. */
function readmeTable(): Row[] {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('<!-- exit-codes -->'), readme.indexOf('<!-- /exit-codes -->'));
  return table
    .split('\n')
    .filter((l) => /^\| \d+ \|/.test(l))
    .map((l) => {
      const [code, lab, make] = l.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
      return { code: Number(code), lab, make };
    });
}

const rows = readmeTable();
const STAND_IN = `node ${path.join('test', 'fixtures', 'lab-stand-in.mjs')}`;
const kubeDir = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-exit-codes-'));
afterAll(() => rmSync(kubeDir, { recursive: true, force: true }));

/** The environment of a person's shell: under `make test` the outer make's MAKELEVEL and MAKEFLAGS
 *  would turn the inner make's "make: ***" into "make[1]: ***" and pass its flags down. */
function shellEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { MAKELEVEL: _level, MAKEFLAGS: _flags, MFLAGS: _mflags, ...rest } = process.env;
  return { ...rest, ...env };
}

/** `make TARGET ARGS` without the build or the package check (they are not what is tested). */
function make(target: string, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('make', ['--no-print-directory', '-o', 'build', '-o', 'lab-needs-3', target, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env: shellEnv(env), timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The code the make column promises for a lab that exits with `code`. */
function makeCodeFor(code: number): number {
  const row = rows.find((r) => r.code === code);
  if (!row) throw new Error(`no README row for ${code}`);
  return Number(row.make.split(/[ ,(]/)[0]);
}

describe("the README's exit-code table", () => {
  it('has one row per code the lab exits with, and lab help says the same', () => {
    expect(rows.map((r) => r.code)).toEqual([...new Set(Object.values(EXIT))].sort((a, b) => a - b));
    const usageCodes = USAGE.slice(USAGE.indexOf('exit codes:')).match(/\b\d+(?= )/g)?.map(Number);
    expect(usageCodes).toEqual(rows.map((r) => r.code));
  });

  it('lab: bad input is 2, with one line', () => {
    const r = spawnSync(process.execPath, ['dist/scripts/cli/lab.js', 'run', '3', '--variant', 'nope'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(r.status).toBe(EXIT.badInput);
    expect(rows.find((row) => row.code === r.status)?.lab).toMatch(/^bad input/);
    expect(r.stderr.trim()).toBe('lab: round 3 has no variant "nope"; variants: broken, headless, l7-proxy, max-age-only');
  });

  it('lab: a platform that cannot be used is 3, with one line', () => {
    const kubeconfig = path.join(kubeDir, 'config');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    const r = spawnSync(process.execPath, ['dist/scripts/cli/lab.js', 'run', '3', '--platform', 'cluster'], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfig } });
    expect(r.status).toBe(EXIT.platformFailed);
    expect(rows.find((row) => row.code === r.status)?.lab).toMatch(/^the platform or the machine cannot run it/);
    expect(r.stderr.trim()).toBe('lab: platform failed: cluster: no grpc-lab-node or kind-grpc-lab context (make cluster creates kind-grpc-lab)');
  });

  it('make, with the real lab: its bad input and its failed platform are make\'s 2, and make\'s last line names the code', () => {
    const bad = make('scenario-3', ['VARIANT=nope']);
    expect(bad.status).toBe(makeCodeFor(2));
    expect(bad.stderr).toContain('lab: round 3 has no variant "nope"');
    expect(bad.stderr.trim().split('\n').pop()).toMatch(/^make: \*\*\* \[.*scenario-3\] Error 2$/);

    const kubeconfig = path.join(kubeDir, 'config');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    const failed = make('scenario-3', ['PLATFORM=cluster'], { KUBECONFIG: kubeconfig });
    expect(failed.status).toBe(makeCodeFor(3));
    expect(failed.stderr.trim().split('\n').pop()).toMatch(/^make: \*\*\* \[.*scenario-3\] Error 3$/);
  });

  it.each([0, 1, 2, 3, 4])('make scenario-3 and make demo when the lab exits %i', (code) => {
    for (const target of ['scenario-3', 'demo']) {
      const r = make(target, [`LAB=${STAND_IN}`], { LAB_STAND_IN_EXIT: String(code) });
      expect(r.status, `${target}: ${r.stderr}`).toBe(makeCodeFor(code));
      expect(r.stdout).toContain(target === 'demo' ? 'lab-stand-in run 1 2 3 4 5 --platform local' : 'lab-stand-in run 3 --platform auto');
      if (code !== 0) expect(r.stderr.trim().split('\n').pop()).toMatch(new RegExp(`^make: \\*\\*\\* \\[.*${target}\\] Error ${code}$`));
    }
  });

  it.each([
    ['Ctrl-C in the terminal (SIGINT to the foreground group)', 'SIGINT', 130],
    ['SIGTERM to make', 'SIGTERM', 143],
  ] as const)('make demo, %s (%s): the lab gets the signal and ends first, make exits %i', async (_how, signal, code) => {
    expect(makeCodeFor(code)).toBe(code);
    // A job of its own process group, as a shell runs a foreground command.
    const child = spawn('make', ['--no-print-directory', '-o', 'build', '-o', 'lab-needs-3', 'demo', `LAB=${STAND_IN}`], {
      cwd: PROJECT_ROOT,
      env: shellEnv({ LAB_STAND_IN_EXIT: 'wait' }),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (c, s) => resolve({ code: c, signal: s })));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('lab-stand-in waiting')) resolve();
      }),
    );
    if (signal === 'SIGINT') process.kill(-child.pid!, 'SIGINT');
    else child.kill('SIGTERM');
    const end = await exited;
    // A shell reports a command killed by signal N as 128 + N: 130 and 143.
    expect(end).toEqual({ code: null, signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stdout).toContain(`lab-stand-in got ${signal}`);
  });
});
