// mk/need.sh, what `make test`, `make demo` and the scenario targets run first: on a fresh machine,
// as root, it installs the missing packages with apt-get; without root it stops with one line.
// apt-get is a stub on a PATH of its own that records its arguments, so nothing is installed here.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/processes.js';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

let dir: string;
let bin: string;
let aptLog: string;
let script: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-need-'));
  // Readable by nobody, for the run without root.
  chmodSync(dir, 0o755);
  bin = path.join(dir, 'bin');
  aptLog = path.join(dir, 'apt.log');
  script = path.join(dir, 'need.sh');
  copyFileSync(path.join(PROJECT_ROOT, 'mk/need.sh'), script);
  spawnSync('mkdir', ['-m', '755', bin]);
  writeFileSync(aptLog, '');
  chmodSync(aptLog, 0o666);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stub apt-get: records its arguments; `install` makes a command of each package (or fails). */
function stubAptGet(opts: { fail?: boolean } = {}): void {
  const file = path.join(bin, 'apt-get');
  writeFileSync(
    file,
    `#!/bin/sh
echo "$*" >> ${aptLog}
[ "$1" = install ] || exit 0
${opts.fail ? 'echo "E: Unable to locate package" >&2; exit 100' : ''}
for a in "$@"; do case "$a" in -*|install) ;; *) printf '#!/bin/sh\\n' > ${bin}/"$a"; /bin/chmod 755 ${bin}/"$a";; esac; done
`,
  );
  chmodSync(file, 0o755);
}

function stubCommand(name: string): void {
  writeFileSync(path.join(bin, name), '#!/bin/sh\n');
  chmodSync(path.join(bin, name), 0o755);
}

function need(args: string[], opts: { uid?: number } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/bin/bash', [script, 'make test', ...args], { env: { PATH: bin }, encoding: 'utf8', uid: opts.uid, gid: opts.uid });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const aptCalls = (): string[] => readFileSync(aptLog, 'utf8').split('\n').filter((l) => l !== '');

describe('mk/need.sh', () => {
  it('does nothing, silently, when every command is there (an alternative name counts)', () => {
    stubAptGet();
    stubCommand('lab-tool-one');
    stubCommand('lab-browser-b');
    const r = need(['lab-tool-one', 'lab-browser:lab-browser-a,lab-browser-b']);
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(aptCalls()).toEqual([]);
  });

  it.runIf(isRoot)('as root, installs only the missing packages in one apt-get call, then finds them', () => {
    stubAptGet();
    stubCommand('lab-tool-one');
    const r = need(['lab-tool-one', 'lab-tool-two', 'lab-tool-three']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('make test: installing lab-tool-two lab-tool-three');
    expect(aptCalls()).toEqual(['update -qq', 'install -y -qq --no-install-recommends lab-tool-two lab-tool-three']);
    expect(existsSync(path.join(bin, 'lab-tool-three'))).toBe(true);
  });

  it.runIf(isRoot)("as root, an apt-get that fails: apt's reason, then one line of ours, exit 3", () => {
    stubAptGet({ fail: true });
    const r = need(['lab-tool-two']);
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([
      'E: Unable to locate package',
      'make test: apt-get could not install lab-tool-two (run: apt-get update && apt-get install -y --no-install-recommends lab-tool-two)',
    ]);
  });

  it.runIf(isRoot)('as root, a package that installs without the command it should bring is one line and exit 3', () => {
    stubAptGet();
    const r = need(['lab-browser:lab-browser-a']);
    expect(r.status).toBe(3);
    expect(r.stderr.trim()).toBe('make test: lab-browser was installed but lab-browser-a is still not found');
  });

  it('without root, names the packages and the command in one line, exits 3 and installs nothing', () => {
    stubAptGet();
    stubCommand('lab-tool-one');
    // As root, the script runs as nobody; as anyone else, as that user.
    const r = need(['lab-tool-one', 'lab-tool-two', 'lab-browser:lab-browser-a'], isRoot ? { uid: NOBODY } : {});
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      'make test needs lab-tool-two lab-browser: as root, run: apt-get update && apt-get install -y --no-install-recommends lab-tool-two lab-browser',
    ]);
    expect(aptCalls()).toEqual([]);
  });
});

/** What `make -n TARGET` would run, one command a line (nothing runs). */
function plan(...args: string[]): string[] {
  const r = spawnSync('make', ['-n', '--no-print-directory', '-W', 'package-lock.json', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

describe('the make targets install what they need before anything else', () => {
  it('make test: HAProxy, Chromium and tmux, before npm ci and the build', () => {
    const lines = plan('test');
    expect(lines[0]).toBe('bash mk/need.sh "make test" haproxy chromium:chromium,chromium-browser tmux');
    expect(lines.findIndex((l) => l.startsWith('npm ci'))).toBeGreaterThan(0);
  });

  it.each([['demo'], ['scenario-3'], ['stability']])('make %s on the local platform: HAProxy first', (target) => {
    const lines = plan(target);
    expect(lines[0]).toBe(`bash mk/need.sh "make ${target}" haproxy`);
    expect(lines.some((l) => l.startsWith('npm ci'))).toBe(true);
  });

  it.each([['scenario-1', []], ['scenario-3', ['PLATFORM=kind']], ['demo', ['PLATFORM=cluster']]])('make %s %j needs no HAProxy here', (target, extra) => {
    expect(plan(target, ...extra).join('\n')).not.toContain('need.sh');
  });

  it('without root, make test-deps stops with the one line and make fails', () => {
    // The Makefile and mk/ copied to the test's own world-readable directory: a checkout may sit in
    // a directory nobody cannot enter (a mktemp -d, a home directory).
    copyFileSync(path.join(PROJECT_ROOT, 'Makefile'), path.join(dir, 'Makefile'));
    cpSync(path.join(PROJECT_ROOT, 'mk'), path.join(dir, 'mk'), { recursive: true });
    spawnSync('chmod', ['-R', 'a+rX', dir]);
    const r = spawnSync('make', ['--no-print-directory', 'test-deps', 'TEST_PACKAGES=lab-no-such-package-xyz'], { cwd: dir, encoding: 'utf8', ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}) });
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('make test needs lab-no-such-package-xyz: as root, run: apt-get update && apt-get install -y --no-install-recommends lab-no-such-package-xyz');
  });
});

// As for node/images' scripts: shellcheck is CI's (.ci/run installs it), optional elsewhere.
const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
describe.skipIf(!shellcheck && process.env.CI !== 'true')('shellcheck', () => {
  it('finds nothing in mk/need.sh and .ci/run', () => {
    const r = spawnSync('shellcheck', ['mk/need.sh', '.ci/run'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(r.error, 'shellcheck is not installed').toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
