// The node's images for real (slow, root; run with `npx vitest run -c vitest.cluster.config.ts`):
// node/images/build.sh builds them with Debian's Docker engine (cold the first time on a machine,
// then from its cache), each image then runs as the lab's manifests and kubeadm run it, build.sh
// --load puts them into a throwaway containerd the way kind loads images, containerd runs the lab
// image, and the host is left as it was: mounts, links, iptables rules, ip_forward, directories.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT as ROOT } from '../helpers/processes.js';

const IMAGES = path.join(ROOT, 'node/images');
const DOCKER = '/usr/bin/docker';
const LAB = 'grpc-k8s-lab:dev';
const HAPROXY = 'haproxy:2.6';
const PAUSE = 'grpc-lab.local/pause:3.10.1';
const COREDNS = 'grpc-lab.local/coredns:v1.12.1';
const NODE_BASE = 'grpc-lab/node-base:20-bookworm';
const HOST_DIRS = ['/run/containerd', '/run/docker', '/opt/containerd', '/run/mount'];

if (process.getuid?.() !== 0) throw new Error('the node image tests need root (debootstrap, dockerd, containerd)');

function sh(cmd: string, args: string[], opts: { env?: Record<string, string>; input?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...opts.env }, input: opts.input, maxBuffer: 64 << 20 });
}

/** What the lab must leave as it found it on the host. */
function hostState() {
  return {
    mounts: readFileSync('/proc/self/mounts', 'utf8').split('\n').sort(),
    links: sh('ip', ['-o', 'link', 'show']).stdout.replace(/\\\s+link\/.*$/gm, ''),
    iptables: sh('iptables-save', []).stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')),
    ipForward: readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'),
    dirs: HOST_DIRS.filter((d) => existsSync(d)),
    cgroups: readdirSync('/sys/fs/cgroup').filter((c) => existsSync(`/sys/fs/cgroup/${c}/grpc-lab-docker`) || existsSync(`/sys/fs/cgroup/${c}/grpc-lab-test`)),
  };
}

const before = hostState();
let dockerHost = '';
let engine: ReturnType<typeof spawn> | undefined;
const docker = (...args: string[]) => sh(DOCKER, args, { env: { DOCKER_HOST: dockerHost } });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-node-images-'));

/** Runs a Node script on the host inside the network namespace of a container (its process pid). */
function inNetns(pid: string, script: string): string {
  const r = sh('nsenter', ['--target', pid, '--net', process.execPath, '--input-type=module', '-e', script]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

async function waitForLog(name: string, text: string): Promise<string> {
  const end = Date.now() + 20_000;
  for (;;) {
    const r = docker('logs', name);
    if ((r.stdout + r.stderr).includes(text)) return r.stdout + r.stderr;
    const running = docker('inspect', '--format', '{{.State.Running}}', name).stdout.trim() === 'true';
    if (Date.now() > end || !running) throw new Error(`${name}: no "${text}" in its log (running: ${running}): ${r.stdout}${r.stderr}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

const pidOf = (name: string) => docker('inspect', '--format', '{{.State.Pid}}', name).stdout.trim();

describe('node/images/build.sh and the images it makes', () => {
  beforeAll(async () => {
    const r = sh('bash', [path.join(IMAGES, 'build.sh')]);
    console.log(`build.sh (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split(/\s+/)[0])).toEqual([
      'debootstrap', 'engine', 'base-import', 'node-base', 'lab-image', 'haproxy', 'pause', 'coredns',
    ]);
    // One engine for the checks below: with-engine.sh keeps it while its command (a sleep) runs.
    engine = spawn('bash', [path.join(IMAGES, 'with-engine.sh'), 'sh', '-c', 'echo "$DOCKER_HOST"; exec sleep 3600'], { stdio: ['ignore', 'pipe', 'inherit'] });
    dockerHost = await new Promise<string>((resolve, reject) => {
      engine!.stdout!.once('data', (c: Buffer) => resolve(c.toString().trim()));
      engine!.once('exit', (code) => reject(new Error(`with-engine.sh exited ${code}`)));
    });
  });

  afterAll(async () => {
    for (const name of ['vb', 'va', 'vh', 'vp', 'vc']) docker('rm', '--force', name);
    if (engine && engine.exitCode === null) {
      const exited = new Promise((r) => engine!.once('exit', r));
      // The sleep ends, the script's trap stops the engine and tidies up.
      const sleeper = readFileSync(`/proc/${engine.pid}/task/${engine.pid}/children`, 'utf8').trim();
      for (const pid of sleeper.split(' ').filter(Boolean)) process.kill(Number(pid), 'SIGTERM');
      await exited;
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the local node:20-slim: Node of this machine, npm, the node user 1000', () => {
    const r = docker('run', '--rm', '--network', 'none', NODE_BASE, 'sh', '-c', 'node --version; id -u node; id -g node; ldd /usr/local/bin/node | grep -c "not found" || true; . /etc/os-release; echo $VERSION_CODENAME');
    expect(r.stdout.split('\n').slice(0, 5)).toEqual([process.version, '1000', '1000', '0', 'bookworm']);
  });

  it('the lab image: A calls B, both in containers, as the numeric non-root user; B dies of SIGTERM', async () => {
    expect(docker('image', 'inspect', '--format', '{{.Config.User}}', LAB).stdout.trim()).toBe('1000:1000');
    const none = docker('run', '--rm', '--network', 'none', LAB);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe('entrypoint: the first argument must be one of service-a, service-b, got none\n');

    expect(docker('run', '-d', '--name', 'vb', '--network', 'none', '-e', 'POD_IP=127.0.0.1', '-e', 'POD_NAME=vb', LAB, 'service-b').status).toBe(0);
    await waitForLog('vb', '"event":"ready"');
    expect(
      docker('run', '-d', '--name', 'va', '--network', 'container:vb', '-e', 'POD_IP=127.0.0.2', '-e', 'POD_NAME=va', '-e', 'TARGET=ipv4:127.0.0.1:50051', '-e', 'RATE=50', LAB, 'service-a').status,
    ).toBe(0);
    await waitForLog('va', '"event":"started"');
    await new Promise((r) => setTimeout(r, 3_000));
    const stats = JSON.parse(inNetns(pidOf('va'), `const r = await fetch('http://127.0.0.2:9090/stats?after=0'); console.log(await r.text());`));
    const served = (stats.buckets as Array<{ perPod: Record<string, number> }>).reduce((n, b) => n + (b.perPod.vb ?? 0), 0);
    expect(served).toBeGreaterThan(50);

    expect(docker('stop', '--time', '10', 'vb').status).toBe(0);
    // tini reports a child killed by SIGTERM as 128 + 15: Node's default, as round 2 expects.
    expect(docker('inspect', '--format', '{{.State.ExitCode}}', 'vb').stdout.trim()).toBe('143');
    docker('rm', '--force', 'va', 'vb');
  });

  it("haproxy:2.6 runs the l7-proxy's config as the manifest runs it, and stops gracefully", async () => {
    const cfg = path.join(ROOT, 'k8s/components/l7-proxy/haproxy.cfg');
    const r = docker(
      'run', '-d', '--name', 'vh', '--network', 'none', '--user', '1000:1000', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
      '-e', 'POD_IP=127.0.0.1', '-e', 'READY_BACKENDS=1', '-v', `${path.dirname(cfg)}:/usr/local/etc/haproxy/:ro`, HAPROXY, '-f', '/usr/local/etc/haproxy/haproxy.cfg',
    );
    expect(r.status, r.stderr).toBe(0);
    await waitForLog('vh', 'Loading success');
    const pid = pidOf('vh');
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)).toEqual(['haproxy', '-W', '-db', '-f', '/usr/local/etc/haproxy/haproxy.cfg']);
    expect(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]).toBe('1000');
    expect(inNetns(pid, `import net from 'node:net'; const s = net.connect(50051, '127.0.0.1'); s.on('connect', () => { console.log('open'); s.destroy(); }); s.on('error', (e) => console.log(e.code));`)).toBe('open');
    const t0 = Date.now();
    expect(docker('stop', '--time', '10', 'vh').status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(docker('inspect', '--format', '{{.State.ExitCode}}', 'vh').stdout.trim()).toBe('0');
    docker('rm', '--force', 'vh');
  });

  it('pause: runs as 65535 and exits 0 at once on the stop signal', async () => {
    expect(docker('run', '-d', '--name', 'vp', '--network', 'none', PAUSE).status).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pidOf('vp')}/status`, 'utf8'))![1]).toBe('65535');
    const t0 = Date.now();
    docker('stop', '--time', '10', 'vp');
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(docker('inspect', '--format', '{{.State.ExitCode}}', 'vp').stdout.trim()).toBe('0');
    docker('rm', '--force', 'vp');
  });

  it("coredns: kubeadm's plugins, port 53 with NET_BIND_SERVICE alone, health and ready answer", async () => {
    const plugins = docker('run', '--rm', '--network', 'none', COREDNS, '-plugins').stdout.split('\n').map((l) => l.trim());
    for (const p of ['errors', 'health', 'ready', 'kubernetes', 'prometheus', 'forward', 'cache', 'loop', 'reload', 'loadbalance']) expect(plugins).toContain(p);
    // kubeadm's Corefile less the kubernetes block (no API server here), forwarding nowhere.
    const corefile = readFileSync(path.join(IMAGES, 'coredns/Corefile.kubeadm-1.34'), 'utf8')
      .replace(/ {4}kubernetes[\s\S]*?\n {4}\}\n/, '')
      .replace('forward . /etc/resolv.conf', 'forward . 127.0.0.1:5399');
    // Readable by the image's user, as a ConfigMap volume is.
    const confDir = path.join(tmp, 'coredns');
    mkdirSync(confDir, { mode: 0o755 });
    chmodSync(tmp, 0o755);
    writeFileSync(path.join(confDir, 'Corefile'), corefile, { mode: 0o644 });
    // As kubeadm's Deployment runs it: no privilege escalation, all capabilities dropped but one.
    // (Docker 20.10 also sets net.ipv4.ip_unprivileged_port_start=0 in a container's own network
    // namespace, so under Docker port 53 alone would not show which of the two lets it bind; the
    // node's containerd 1.6 does not, which is why the image runs as uid 0.)
    const r = docker(
      'run', '-d', '--name', 'vc', '--network', 'none', '--read-only', '--cap-drop', 'ALL', '--cap-add', 'NET_BIND_SERVICE',
      '--security-opt', 'no-new-privileges', '-v', `${confDir}:/etc/coredns:ro`, COREDNS, '-conf', '/etc/coredns/Corefile',
    );
    expect(r.status, r.stderr).toBe(0);
    await waitForLog('vc', 'CoreDNS-1.12.1');
    const pid = pidOf('vc');
    expect(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]).toBe('0');
    const answers = inNetns(
      pid,
      `import dns from 'node:dns';
       const r = new dns.promises.Resolver({ timeout: 2000, tries: 1 }); r.setServers(['127.0.0.1']);
       const q = await r.resolve4('grpc-lab.example').then(() => 'answer', (e) => e.code);
       const h = await fetch('http://127.0.0.1:8080/health').then((x) => x.status);
       const ready = await fetch('http://127.0.0.1:8181/ready').then((x) => x.status);
       const m = await fetch('http://127.0.0.1:9153/metrics').then((x) => x.text());
       console.log(JSON.stringify([q, h, ready, m.includes('coredns_build_info')]));`,
    );
    // SERVFAIL: the server on port 53 answered (its upstream is unreachable on purpose).
    expect(JSON.parse(answers)).toEqual(['ESERVFAIL', 200, 200, true]);
    docker('rm', '--force', 'vc');
  });
});

describe('loading into a containerd, as kind does', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-containerd-'));
  const sock = path.join(dir, 'containerd.sock');
  let containerd: ReturnType<typeof spawn> | undefined;
  const ctr = (...args: string[]) => sh('ctr', ['--address', sock, '--namespace', 'k8s.io', ...args]);

  beforeAll(async () => {
    // Everything of this containerd under the temp dir, no CRI: only images and a plain container.
    writeFileSync(
      path.join(dir, 'config.toml'),
      [
        'version = 2',
        `root = "${dir}/root"`,
        `state = "${dir}/state"`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        '[grpc]',
        `  address = "${sock}"`,
        '[debug]',
        '  address = ""',
        '[plugins."io.containerd.internal.v1.opt"]',
        `  path = "${dir}/opt"`,
        '',
      ].join('\n'),
    );
    containerd = spawn('containerd', ['--config', path.join(dir, 'config.toml')], { stdio: 'ignore' });
    const end = Date.now() + 15_000;
    while (ctr('version').status !== 0) {
      if (Date.now() > end || containerd.exitCode !== null) throw new Error('the throwaway containerd did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterAll(async () => {
    if (containerd && containerd.exitCode === null) {
      const exited = new Promise((r) => containerd!.once('exit', r));
      containerd.kill('SIGTERM');
      await exited;
    }
    for (const m of readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(`${dir}/`)).reverse()) {
      sh('umount', ['-l', m]);
    }
    sh('rm', ['-rf', '--one-file-system', dir]);
    // containerd 1.6 keeps shim sockets and runc state at fixed paths: remove what this test made.
    for (const d of ['/run/containerd/s', '/run/containerd/fifo', '/run/containerd/runc/k8s.io', '/run/containerd/runc', '/run/containerd']) {
      if (!before.dirs.includes('/run/containerd')) sh('rmdir', [d]);
    }
    for (const c of readdirSync('/sys/fs/cgroup')) sh('rmdir', [`/sys/fs/cgroup/${c}/grpc-lab-test/lab`, `/sys/fs/cgroup/${c}/grpc-lab-test`]);
  });

  it('build.sh --load imports every image, complete and unpacked, under the names the kubelet asks for', () => {
    const r = sh('bash', [path.join(IMAGES, 'build.sh'), '--load', sock]);
    console.log(`build.sh --load (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^load\s+loaded/m);
    const check = ctr('images', 'check').stdout;
    for (const name of ['docker.io/library/grpc-k8s-lab:dev', 'docker.io/library/haproxy:2.6', PAUSE, COREDNS]) {
      expect(check).toMatch(new RegExp(`^${name.replace(/[.]/g, '\\.')}\\s.*complete \\(\\d+/\\d+\\).*true\\s*$`, 'm'));
    }
  });

  it('containerd runs the loaded lab image with runc', () => {
    const r = ctr(
      'run', '--rm', '--cgroup', '/grpc-lab-test/lab', '--fifo-dir', path.join(dir, 'fifo'),
      'docker.io/library/grpc-k8s-lab:dev', 'grpc-lab-test-lab',
    );
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).toContain('entrypoint: the first argument must be one of service-a, service-b, got none');
  });
});

describe('the host afterwards', () => {
  it('has the mounts, links, iptables rules, ip_forward, directories and cgroups it had before', async () => {
    // The engine of the first block stops in its afterAll; give its trap a moment.
    await new Promise((r) => setTimeout(r, 1_000));
    const after = hostState();
    expect(after).toEqual(before);
  });

  it('builds again from its cache in seconds', () => {
    const t0 = Date.now();
    const r = sh('bash', [path.join(IMAGES, 'build.sh')]);
    expect(r.status, r.stderr).toBe(0);
    console.log(`warm build.sh:\n${r.stdout}`);
    for (const line of r.stdout.trim().split('\n')) expect(line).toMatch(/^\S+\s+(cached|started|running)\s/);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
