// The checks `make cluster` runs first, and the image loader it uses, against stand-in docker, kind
// and kubectl commands on a PATH that holds nothing else: every missing or old tool gets one line
// saying how to install it.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/processes.js';

const PREFLIGHT = path.join(PROJECT_ROOT, 'scripts/platforms/cluster/preflight.sh');
const LOAD_IMAGE = path.join(PROJECT_ROOT, 'scripts/platforms/cluster/load-image.sh');
const BASH = execFileSync('bash', ['-c', 'command -v bash']).toString().trim();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'grpc-lab-preflight-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A bin directory with these tools as bash scripts; every call is appended to calls.log. */
async function bin(tools: Record<string, string>): Promise<string> {
  const d = await mkdtemp(path.join(dir, 'bin-'));
  for (const [name, body] of Object.entries(tools)) {
    const file = path.join(d, name);
    await writeFile(file, `#!${BASH}\necho "${name} $*" >> "${d}/calls.log"\n${body}\n`);
    await chmod(file, 0o755);
  }
  return d;
}

/** Real system commands a script uses besides the tools it drives (load-image.sh: mktemp, rm). */
async function withSystem(binDir: string, commands: string[]): Promise<string> {
  for (const c of commands) await symlink(execFileSync(BASH, ['-c', `command -v ${c}`]).toString().trim(), path.join(binDir, c));
  return binDir;
}

function run(script: string, binDir: string, args: string[]): { status: number | null; stderr: string; stdout: string } {
  // PATH holds the stand-ins only: the scripts must need nothing but bash and the tools they check.
  const r = spawnSync(BASH, [script, ...args], { env: { PATH: binDir, TMPDIR: dir }, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

const GOOD = {
  docker: 'exit 0',
  kind: 'echo "kind v0.24.0 go1.22.6 linux/amd64"',
  kubectl: `echo '{ "clientVersion": { "major": "1", "minor": "31", "gitVersion": "v1.31.0" }, "kustomizeVersion": "v5.4.2" }'`,
};

describe('preflight.sh', () => {
  it('passes silently when docker answers and kind and kubectl are recent enough', async () => {
    expect(run(PREFLIGHT, await bin(GOOD), ['docker', 'kind', 'kubectl'])).toEqual({ status: 0, stderr: '', stdout: '' });
  });

  it('names every missing tool on its own line, with where to get it', async () => {
    const r = run(PREFLIGHT, await bin({}), ['docker', 'kind', 'kubectl']);
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'preflight: docker not found: install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop',
      'preflight: kind not found: install kind >= 0.23.0 (https://kind.sigs.k8s.io/docs/user/quick-start/#installation, or: go install sigs.k8s.io/kind@v0.24.0)',
      'preflight: kubectl not found: install kubectl >= 1.29.0 (https://kubernetes.io/docs/tasks/tools/)',
    ]);
  });

  it('tells a docker client without an engine apart from no docker at all', async () => {
    const r = run(PREFLIGHT, await bin({ ...GOOD, docker: '[ "$1" = info ] && { echo "Cannot connect to the Docker daemon" >&2; exit 1; }; exit 0' }), ['docker']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^preflight: docker is installed but its engine does not answer \(docker info failed\): start Docker/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses kind older than 0.23 and kubectl older than 1.29, and compares versions as numbers', async () => {
    const old = await bin({
      kind: 'echo "kind v0.9.0 go1.15.2 linux/amd64"',
      kubectl: `echo '{ "clientVersion": { "gitVersion": "v1.28.15" } }'`,
    });
    const r = run(PREFLIGHT, old, ['kind', 'kubectl']);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'preflight: kind 0.9.0 is too old: the lab needs kind >= 0.23.0 (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)',
      'preflight: kubectl 1.28.15 is too old: the lab needs kubectl >= 1.29.0 (https://kubernetes.io/docs/tasks/tools/)',
    ]);
    const newer = await bin({ kind: 'echo "kind v0.100.0"', kubectl: `echo '{"clientVersion":{"gitVersion":"v1.29.0-gke.1"}}'` });
    expect(run(PREFLIGHT, newer, ['kind', 'kubectl']).status).toBe(0);
  });

  it('checks only the tools it is asked about, and says so for one it does not know', async () => {
    expect(run(PREFLIGHT, await bin({ kind: GOOD.kind }), ['kind']).status).toBe(0);
    const r = run(PREFLIGHT, await bin({}), ['helm']);
    expect([r.status, r.stderr]).toEqual([1, 'preflight: unknown tool to check: helm (expected docker, kind or kubectl)\n']);
  });
});

describe('load-image.sh', () => {
  it('loads with kind load docker-image when that works', async () => {
    const d = await bin({ kind: 'exit 0', docker: 'exit 0' });
    expect(run(LOAD_IMAGE, d, ['haproxy:2.6', 'grpc-lab']).status).toBe(0);
    expect(await readFile(path.join(d, 'calls.log'), 'utf8')).toBe('kind load docker-image haproxy:2.6 --name grpc-lab\n');
  });

  it('falls back to an archive of the host platform alone when docker-image fails, and removes it', async () => {
    const d = await withSystem(await bin({
      kind: '[ "$2" = docker-image ] && { echo "ctr: content digest sha256:9106d8: not found" >&2; exit 1; }; [ -s "$3" ] || exit 3',
      docker: '[ "$1" = version ] && { echo linux/arm64; exit 0; }; [ "$1 $2" = "image save" ] && echo archive > "$6"; exit 0',
    }), ['mktemp', 'rm']);
    const r = run(LOAD_IMAGE, d, ['haproxy:2.6', 'grpc-lab']);
    expect(r.status).toBe(0);
    const calls = (await readFile(path.join(d, 'calls.log'), 'utf8')).trimEnd().split('\n');
    expect(calls.map((c) => c.replace(/grpc-lab-image\.\w+/, 'ARCHIVE').replace(dir, 'TMP'))).toEqual([
      'kind load docker-image haproxy:2.6 --name grpc-lab',
      'docker version --format {{.Server.Os}}/{{.Server.Arch}}',
      'docker image save --platform linux/arm64 --output TMP/ARCHIVE haproxy:2.6',
      'kind load image-archive TMP/ARCHIVE --name grpc-lab',
    ]);
    const archive = calls[3]!.split(' ')[3]!;
    await expect(readFile(archive)).rejects.toThrow(/ENOENT/);
  });

  it('needs an image and a cluster', async () => {
    const r = run(LOAD_IMAGE, await bin({}), ['haproxy:2.6']);
    expect([r.status, r.stderr]).toEqual([2, 'usage: load-image.sh IMAGE CLUSTER\n']);
  });
});
