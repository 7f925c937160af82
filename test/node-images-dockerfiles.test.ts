// The images of the lab's own node, checked without a Docker engine: the project's Dockerfile takes
// its base as a build argument, the local node:20-slim equivalent has what the lab image relies on,
// and the haproxy image runs as the l7-proxy manifest expects, through an entrypoint that behaves as
// the official one (run here with a stand-in haproxy).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { PROJECT_ROOT as ROOT } from './helpers/processes.js';

const IMAGES = path.join(ROOT, 'node/images');

/** A Dockerfile's instructions: comments and blank lines gone, continuation lines joined. */
function instructions(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n');
}

describe("the project's Dockerfile", () => {
  const lines = instructions(path.join(ROOT, 'Dockerfile'));

  it('takes its base as BASE_IMAGE, node:20-slim by default, for both stages', () => {
    // An ARG before the first FROM is the only kind a FROM line can use.
    expect(lines.findIndex((l) => l === 'ARG BASE_IMAGE=node:20-slim')).toBe(0);
    expect(lines.filter((l) => l.startsWith('FROM '))).toEqual(['FROM ${BASE_IMAGE} AS build', 'FROM ${BASE_IMAGE} AS runtime']);
  });

  it("keeps node/ out of the build context (it holds the node's own image sources)", () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toContain('node');
  });
});

describe('node/images/node-base: the local node:20-slim', () => {
  const lines = instructions(path.join(IMAGES, 'node-base/Dockerfile'));
  const all = lines.join('\n');

  it('has the node user with uid and gid 1000, which the runtime stage runs as', () => {
    expect(instructions(path.join(ROOT, 'Dockerfile'))).toContain('USER 1000:1000');
    expect(all).toMatch(/groupadd --gid 1000 node/);
    expect(all).toMatch(/useradd --uid 1000 --gid node\b/);
  });

  it('puts node and npm where node:20-slim has them, and checks node runs on the base', () => {
    expect(lines).toContain('COPY node /usr/local/bin/node');
    expect(lines).toContain('COPY npm /usr/local/lib/node_modules/npm');
    expect(all).toContain('ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm');
    expect(all).toContain('ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx');
    expect(all).toMatch(/ldd \/usr\/local\/bin\/node \| grep 'not found'/);
    expect(lines).toContain('CMD ["node"]');
  });
});

describe('node/images/haproxy: haproxy:2.6 from Debian', () => {
  const lines = instructions(path.join(IMAGES, 'haproxy/Dockerfile'));
  const deployment = parse(readFileSync(path.join(ROOT, 'k8s/components/l7-proxy/l7-proxy-deployment.yaml'), 'utf8'));
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('is the image the l7-proxy manifest names, run as its user, by number', () => {
    expect(container.image).toBe('haproxy:2.6');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(lines).toContain(`USER ${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`);
  });

  it("installs Debian's 2.6 package and lays out what the manifest uses like the official image", () => {
    expect(lines.join('\n')).toMatch(/apt-get install -y --no-install-recommends haproxy/);
    expect(lines.join('\n')).toMatch(/haproxy -v \| grep -q '\^HAProxy version 2\\\.6\\\.'/);
    // The manifest mounts its config here and passes -f with this path.
    expect(container.volumeMounts[0].mountPath).toBe('/usr/local/etc/haproxy/');
    expect(container.args).toEqual(['-f', '/usr/local/etc/haproxy/haproxy.cfg']);
    expect(lines.join('\n')).toContain('mkdir -p /usr/local/etc/haproxy');
    expect(lines).toContain('ENTRYPOINT ["docker-entrypoint.sh"]');
    expect(lines).toContain('CMD ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]');
    // HAProxy stops gracefully on SIGUSR1; SIGTERM would close every connection at once.
    expect(lines).toContain('STOPSIGNAL SIGUSR1');
  });

  describe('its entrypoint', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-entrypoint-'));
    // A stand-in haproxy that prints how it was called.
    writeFileSync(path.join(dir, 'haproxy'), '#!/bin/sh\necho "haproxy $*"\n');
    chmodSync(path.join(dir, 'haproxy'), 0o755);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const run = (...args: string[]) =>
      execFileSync(path.join(IMAGES, 'haproxy/docker-entrypoint.sh'), args, { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' }).trim();

    it("runs haproxy in the foreground, master-worker, for the manifest's args (they start with -)", () => {
      expect(run('-f', '/usr/local/etc/haproxy/haproxy.cfg')).toBe('haproxy -W -db -f /usr/local/etc/haproxy/haproxy.cfg');
    });

    it('adds the same flags to the default command, and runs any other command as it is', () => {
      expect(run('haproxy', '-f', '/usr/local/etc/haproxy/haproxy.cfg')).toBe('haproxy -W -db -f /usr/local/etc/haproxy/haproxy.cfg');
      expect(run('echo', 'hello')).toBe('hello');
    });
  });
});

describe('node/images pause and coredns: static binaries in FROM scratch', () => {
  it('pause is /pause as the entrypoint, as the nobody-like user of the upstream image', () => {
    const lines = instructions(path.join(IMAGES, 'pause/Dockerfile'));
    expect(lines).toEqual(['FROM scratch', 'COPY pause /pause', 'USER 65535:65535', 'ENTRYPOINT ["/pause"]']);
  });

  it('coredns is /coredns as the entrypoint, like the official image, as uid 0 (no file capabilities survive the build)', () => {
    const lines = instructions(path.join(IMAGES, 'coredns/Dockerfile'));
    expect(lines[0]).toBe('FROM scratch');
    expect(lines).toContain('COPY coredns /coredns');
    expect(lines).toContain('USER 0:0');
    expect(lines.at(-1)).toBe('ENTRYPOINT ["/coredns"]');
  });

  it('build.sh tags them as the node expects and keeps the binaries out of the repository', () => {
    const build = readFileSync(path.join(IMAGES, 'build.sh'), 'utf8');
    expect(build).toContain('PAUSE_IMAGE=grpc-lab.local/pause:3.10.1');
    expect(build).toContain('COREDNS_IMAGE=grpc-lab.local/coredns:v1.12.1');
    // Static, and built where the state lives, not in the work tree.
    expect(build).toMatch(/CGO_ENABLED=0/);
    expect(build).toMatch(/-o "\$ctx\/\$name"/);
    expect(build).toMatch(/ctx=\$IMAGES_STATE\/\$1\.ctx/);
    // A file capability would not survive the engine's copy into a layer: the Dockerfile says why.
    expect(build).not.toContain('setcap');
  });

  it('no manifest of the lab uses an image build.sh does not make', () => {
    const build = readFileSync(path.join(IMAGES, 'build.sh'), 'utf8');
    const made = [...build.matchAll(/^[A-Z_]+_IMAGE=(\S+)$/gm)].map((m) => m[1]);
    const images = new Set<string>();
    const files = execFileSync('find', ['k8s', '-name', '*.yaml'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
    for (const f of files) {
      for (const doc of parseAllDocuments(readFileSync(path.join(ROOT, f), 'utf8'))) {
        const spec = doc.toJS()?.spec?.template?.spec;
        for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) if (c.image) images.add(c.image);
      }
    }
    expect([...images].sort()).toEqual(['grpc-k8s-lab:dev', 'haproxy:2.6']);
    for (const image of images) expect(made).toContain(image);
  });
});
