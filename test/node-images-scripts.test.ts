// node/images' scripts without a Docker engine or containerd: bad arguments and missing pieces end
// in one line and a non-zero exit before anything starts, the Debian mirror is read from apt's
// sources as apt reads them, and the scripts are shellcheck-clean.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT as ROOT } from './helpers/processes.js';
import { readableCopy } from './helpers/readable-copy.js';

const IMAGES = path.join(ROOT, 'node/images');
const state = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-images-state-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

function run(script: string, args: string[], env: Record<string, string> = {}, prefix: string[] = [], from = IMAGES) {
  const argv = [...prefix, 'bash', path.join(from, script), ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), {
    env: { ...process.env, GRPC_LAB_STATE: state, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stderr.split('\n').filter((l) => l !== '') };
}

describe('build.sh', () => {
  it('refuses unknown or incomplete arguments with one line and exit 2', () => {
    for (const [args, line] of [
      [['--bogus'], 'build: unknown argument: --bogus (usage: build.sh [--load ADDRESS [--namespace NS] [--snapshotter NAME]])'],
      [['--load'], 'build: --load needs a value'],
      [['--load', ''], 'build: --load needs a value'],
      [['--namespace', 'k8s.io'], 'build: --namespace and --snapshotter go with --load ADDRESS'],
    ] as const) {
      const r = run('build.sh', [...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.lines).toEqual([line]);
    }
  });

  it('checks the containerd socket of --load before it builds anything', () => {
    const socket = path.join(state, 'no-such.sock');
    const r = run('build.sh', ['--load', socket]);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([`build: no containerd socket at ${socket}`]);
  });

  it('prints its usage for --help', () => {
    const r = run('build.sh', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: build.sh [--load ADDRESS [--namespace NS] [--snapshotter NAME]]');
    expect(r.stdout).toContain('GRPC_LAB_STATE');
  });

  it('refuses to run as a user other than root, in one line', () => {
    // As root, drop to nobody for the run; as anyone else, run as is.
    const prefix = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
    const copy = readableCopy(IMAGES);
    const r = run('build.sh', [], {}, prefix, copy.dir);
    copy.remove();
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(['build: must run as root: debootstrap and the lab\'s dockerd need it']);
  });
});

describe('load.sh', () => {
  const usage = 'usage: load.sh --address SOCKET [--namespace NS] [--snapshotter NAME] IMAGE...';

  it('refuses missing or unknown arguments with one line and exit 2', () => {
    for (const [args, line] of [
      [[], `load: no containerd socket given (${usage})`],
      [['grpc-k8s-lab:dev'], `load: no containerd socket given (${usage})`],
      [['--address', '/run/x.sock'], `load: no image given (${usage})`],
      [['--address'], `load: --address needs a value (${usage})`],
      [['--bogus', 'x'], `load: unknown option: --bogus (${usage})`],
    ] as const) {
      const r = run('load.sh', [...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.lines).toEqual([line]);
    }
  });

  it('names a missing ctr, or a socket that is not there, in one line and exit 1', () => {
    const noCtr = run('load.sh', ['--address', '/run/x.sock', 'grpc-k8s-lab:dev'], { CTR: 'ctr-not-installed' });
    expect(noCtr.code).toBe(1);
    expect(noCtr.lines).toEqual(['load: ctr-not-installed not found: install it (Debian: apt-get install ctr-not-installed)']);

    const socket = path.join(state, 'no-such.sock');
    // A stand-in ctr: the check for the socket comes before ctr is ever asked.
    const r = run('load.sh', ['--address', socket, 'grpc-k8s-lab:dev'], { CTR: 'true' });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([`load: no containerd socket at ${socket}`]);
  });
});

describe('with-engine.sh', () => {
  it('needs a command', () => {
    const r = run('with-engine.sh', []);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual(['with-engine: usage: with-engine.sh COMMAND [ARG...]']);
  });
});

describe("the Debian mirror, from this machine's apt sources (lib.sh apt_uri)", () => {
  const etc = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-apt-'));
  mkdirSync(path.join(etc, 'sources.list.d'));
  afterAll(() => rmSync(etc, { recursive: true, force: true }));
  const uri = (suite: string) =>
    spawnSync('bash', ['-c', `. "${IMAGES}/lib.sh" && apt_uri "$1" "$2"`, 'apt_uri', suite, etc], { encoding: 'utf8' }).stdout.trim();

  it('reads one-line entries, with options, and deb822 stanzas, skipping comments, deb-src and disabled ones', () => {
    writeFileSync(
      path.join(etc, 'sources.list'),
      ['# deb http://old.example/debian bookworm main', 'deb-src http://src.example/debian bookworm main', 'deb [arch=amd64 signed-by=/k.gpg] http://one.example/debian trixie main', ''].join('\n'),
    );
    writeFileSync(
      path.join(etc, 'sources.list.d/debian.sources'),
      [
        'Types: deb',
        'URIs: http://off.example/debian',
        'Suites: bookworm',
        'Enabled: no',
        '',
        'Types: deb deb-src',
        '# a comment inside the stanza',
        'URIs: http://mirror.example/debian http://second.example/debian',
        'Suites: bookworm bookworm-updates',
        'Components: main',
        '',
        'Types: deb',
        'URIs: http://mirror.example/debian-security',
        'Suites: bookworm-security',
        'Components: main',
        '',
      ].join('\n'),
    );
    // apt reads only *.list and *.sources: a renamed file is off.
    writeFileSync(path.join(etc, 'sources.list.d/other.sources.disabled'), 'Types: deb\nURIs: http://disabled.example/\nSuites: sid\n');
    expect(uri('trixie')).toBe('http://one.example/debian');
    expect(uri('bookworm')).toBe('http://mirror.example/debian');
    expect(uri('bookworm-updates')).toBe('http://mirror.example/debian');
    expect(uri('bookworm-security')).toBe('http://mirror.example/debian-security');
    expect(uri('sid')).toBe('');
  });
});

// In CI shellcheck is installed by .ci/run, so there this never skips.
const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
describe.skipIf(!shellcheck && process.env.CI !== 'true')('shellcheck', () => {
  it('finds nothing in the scripts of node/images', () => {
    const scripts = ['build.sh', 'load.sh', 'lib.sh', 'with-engine.sh', 'haproxy/docker-entrypoint.sh'];
    const r = spawnSync('shellcheck', ['-x', ...scripts], { cwd: IMAGES, encoding: 'utf8' });
    expect(r.error, 'shellcheck is not installed').toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
