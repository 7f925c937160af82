// The lab's own node, without starting it: the wrapper module pins one Kubernetes release and its
// matching staging modules, the rendered configs carry the settings the rounds depend on, and
// cluster-down removes what a node leaves on the host (namespace, cgroups, sysctls, kubeconfig).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { PROJECT_ROOT as ROOT } from './helpers/processes.js';
import { readableCopy } from './helpers/readable-copy.js';

const NODE = path.join(ROOT, 'node');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-node-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Renders node/config/NAME the way up.sh does. */
function render(name: string, env: Record<string, string> = {}): string {
  return execFileSync('bash', ['-c', `source "$0/lib.sh"; KUBE_VERSION=$(kube_version); render "$0/config/$1"`, NODE, name], {
    encoding: 'utf8',
    env: { ...process.env, GRPC_LAB_NODE_DIR: '/var/lib/test-node', ...env },
  });
}

describe('the wrapper module', () => {
  const gomod = readFileSync(path.join(NODE, 'go/go.mod'), 'utf8');
  const kube = /^\s*k8s\.io\/kubernetes v1\.(\d+)\.(\d+)$/m.exec(gomod);

  it('pins one exact Kubernetes 1.34 release', () => {
    expect(kube).not.toBeNull();
    expect(kube![1]).toBe('34');
  });

  it('replaces every staging module with the release of the same minor and patch', () => {
    const replaces = [...gomod.matchAll(/^\s*(k8s\.io\/[\w-]+) => (k8s\.io\/[\w-]+) (v\S+)$/gm)];
    expect(replaces.length).toBeGreaterThanOrEqual(30);
    for (const [, from, to, version] of replaces) {
      expect(to).toBe(from);
      expect(version).toBe(`v0.${kube![1]}.${kube![2]}`);
    }
    // Every staging module the build requires is among them, or MVS would pick v0.0.0.
    const required = [...gomod.matchAll(/^\s*(k8s\.io\/[\w-]+) v0\.0\.0$/gm)].map((m) => m[1]);
    const replaced = new Set(replaces.map((m) => m[1]));
    for (const r of required) expect(replaced, r).toContain(r);
  });

  it('builds etcd from the version Kubernetes itself requires', () => {
    expect(gomod).toMatch(/^\s*go\.etcd\.io\/etcd\/server\/v3 v3\.6\.\d+$/m);
  });
});

describe('rendered configs', () => {
  it('leave no placeholder behind, and refuse an unknown one', () => {
    for (const f of ['containerd.toml', 'kubelet.yaml', 'kube-proxy.yaml', 'kubeadm.yaml', 'cni.conflist', 'resolv.conf']) {
      expect(render(f), f).not.toMatch(/@[A-Z_]+@/);
    }
    const bad = path.join(tmp, 'bad.yaml');
    writeFileSync(bad, 'x: @NO_SUCH_SETTING@\n');
    const r = spawnSync('bash', ['-c', 'source "$0/lib.sh"; render "$1"', NODE, bad], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('@NO_SUCH_SETTING@');
  });

  it('kubelet: cgroupfs on cgroup v1, every pod under the lab cgroup, no disk evictions', () => {
    const k = YAML.parse(render('kubelet.yaml'));
    expect(k.cgroupDriver).toBe('cgroupfs');
    expect(k.failCgroupV1).toBe(false);
    expect(k.cgroupRoot).toBe('/grpc-lab-node');
    expect(k.clusterDNS).toEqual(['10.96.0.10']);
    expect(k.evictionHard['nodefs.available']).toBe('0%');
    expect(k.containerRuntimeEndpoint).toBe('unix:///var/lib/test-node/containerd/containerd.sock');
  });

  it('kube-proxy: iptables mode with kind\'s 1 s minimum sync, host-wide conntrack left alone', () => {
    const p = YAML.parse(render('kube-proxy.yaml'));
    expect(p.mode).toBe('iptables');
    expect(p.iptables.minSyncPeriod).toBe('1s');
    expect(p.conntrack.maxPerCore).toBe(0);
    expect(p.clusterCIDR).toBe('10.244.0.0/16');
  });

  it('containerd: the local pause image and the clamp for the missing CAP_SYS_RESOURCE', () => {
    const c = render('containerd.toml');
    expect(c).toMatch(/^\s*sandbox_image = "grpc-lab\.local\/pause:3\.10\.1"$/m);
    expect(c).toMatch(/^\s*restrict_oom_score_adj = true$/m);
    expect(c).toMatch(/^\s*SystemdCgroup = false$/m);
    expect(c).toMatch(/^\s*bin_dir = "\/usr\/lib\/cni"$/m);
  });

  it('kubeadm: the pinned version, kind-like networks, CoreDNS from the local image', () => {
    const [init, cluster] = YAML.parseAllDocuments(render('kubeadm.yaml')).map((d) => d.toJSON());
    expect(init.localAPIEndpoint.advertiseAddress).toBe('172.30.0.2');
    expect(cluster.kubernetesVersion).toMatch(/^v1\.34\.\d+$/);
    expect(cluster.networking).toEqual({ podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/16', dnsDomain: 'cluster.local' });
    expect(cluster.apiServer.certSANs).toContain('127.0.0.1');
    expect(cluster.dns).toEqual({ imageRepository: 'grpc-lab.local', imageTag: 'v1.12.1' });
  });

  it('CNI: a bridge with host-local addresses from the node\'s pod range, kept in the node directory', () => {
    const n = JSON.parse(render('cni.conflist'));
    expect(n.plugins[0].type).toBe('bridge');
    expect(n.plugins[0].ipam.ranges).toEqual([[{ subnet: '10.244.0.0/24' }]]);
    expect(n.plugins[0].ipam.dataDir).toBe('/var/lib/test-node/cni-ipam');
  });
});

/** A zombie is dead: its parent here may be a subreaper that has not collected it yet. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const root = process.getuid?.() === 0 && os.platform() === 'linux';

describe.runIf(root)('cluster-down', () => {
  it('removes the namespace, the cgroups, the node directory and the kubeconfig entries, and restores sysctls', () => {
    const id = `t${process.pid}`;
    const dir = path.join(tmp, 'node-dir');
    const kubeconfig = path.join(tmp, 'kubeconfig');
    const env = {
      ...process.env,
      GRPC_LAB_NODE_DIR: dir,
      GRPC_LAB_NODE_NETNS: `grpc-lab-${id}`,
      GRPC_LAB_NODE_CGROUP: `grpc-lab-${id}`,
      GRPC_LAB_NODE_CONTEXT: `grpc-lab-${id}`,
      KUBECONFIG: kubeconfig,
    };
    // What a node leaves: its namespace, a cgroup subtree with a process in it, a changed sysctl,
    // a kubeconfig context.
    execFileSync('ip', ['netns', 'add', env.GRPC_LAB_NODE_NETNS]);
    const cg = `/sys/fs/cgroup/pids/${env.GRPC_LAB_NODE_CGROUP}`;
    mkdirSync(`${cg}/kubepods/pod1`, { recursive: true });
    const sleeper = spawnSync('bash', ['-c', `sleep 300 >/dev/null 2>&1 & echo $! > ${cg}/kubepods/pod1/cgroup.procs; echo $!`], { encoding: 'utf8' });
    const pid = Number(sleeper.stdout.trim());
    mkdirSync(path.join(dir, 'pids'), { recursive: true });
    const key = 'kernel.keys.root_maxkeys';
    const before = execFileSync('sysctl', ['-n', key], { encoding: 'utf8' }).trim();
    writeFileSync(path.join(dir, 'host-sysctls'), `${key}=${before}\n`);
    execFileSync('sysctl', ['-qw', `${key}=${Number(before) + 1}`]);
    for (const args of [
      ['set-cluster', env.GRPC_LAB_NODE_CONTEXT, '--server=https://127.0.0.1:1'],
      ['set-context', env.GRPC_LAB_NODE_CONTEXT, `--cluster=${env.GRPC_LAB_NODE_CONTEXT}`],
      ['set-context', 'someone-elses'],
    ]) {
      execFileSync('kubectl', ['config', ...args], { env });
    }

    expect(alive(pid)).toBe(true);
    const down = spawnSync('bash', [path.join(NODE, 'down.sh')], { env, encoding: 'utf8' });
    expect(down.stderr).toBe('');
    expect(down.status).toBe(0);
    expect(down.stdout).toContain('removed');

    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(env.GRPC_LAB_NODE_NETNS);
    expect(existsSync(cg)).toBe(false);
    expect(alive(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    expect(execFileSync('sysctl', ['-n', key], { encoding: 'utf8' }).trim()).toBe(before);
    const contexts = execFileSync('kubectl', ['config', 'get-contexts', '-o', 'name'], { env, encoding: 'utf8' });
    expect(contexts.split('\n')).toContain('someone-elses');
    expect(contexts).not.toContain(env.GRPC_LAB_NODE_CONTEXT);

    // Twice is fine.
    const again = spawnSync('bash', [path.join(NODE, 'down.sh')], { env, encoding: 'utf8' });
    expect(again.status).toBe(0);
  });
});

describe.runIf(root)('node/up.sh refuses, with one line and before it makes anything', () => {
  function up(env: Record<string, string>) {
    return spawnSync('/bin/bash', [path.join(NODE, 'up.sh')], {
      encoding: 'utf8',
      env: { ...process.env, GRPC_LAB_NODE_DIR: path.join(tmp, 'refused'), ...env },
    });
  }
  function refused(r: ReturnType<typeof up>, line: RegExp) {
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(existsSync(path.join(tmp, 'refused'))).toBe(false);
  }

  it('a node left over from an earlier run', () => {
    const netns = `grpc-lab-stale${process.pid}`;
    execFileSync('ip', ['netns', 'add', netns]);
    try {
      refused(up({ GRPC_LAB_NODE_NETNS: netns, GRPC_LAB_NODE_CONTEXT: 'grpc-lab-none' }), /^node: a stale node from an earlier run is in the way .*make cluster-down removes it$/);
    } finally {
      execFileSync('ip', ['netns', 'del', netns]);
    }
  });

  it('a taken API port', async () => {
    const net = await import('node:net');
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    try {
      refused(up({ GRPC_LAB_NODE_API_PORT: String(port), GRPC_LAB_NODE_NETNS: 'grpc-lab-none' }), new RegExp(`^node: port ${port} on 127\\.0\\.0\\.1 is taken`));
    } finally {
      server.close();
    }
  });

  it('a missing tool', () => {
    // Everything up.sh needs but containerd.
    const bin = path.join(tmp, 'no-containerd');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['bash', 'uname', 'id', 'dirname', 'grep', 'sed', 'cat', 'ip', 'nsenter', 'unshare', 'iptables', 'runc', 'ctr', 'kubectl', 'go']) {
      const where = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (where !== '') spawnSync('ln', ['-sf', where, path.join(bin, tool)]);
    }
    refused(up({ PATH: bin }), /^node: missing tool: containerd \(make cluster installs it; or: apt-get install .*\)$/);
  });

  it('not root', () => {
    const copy = readableCopy(NODE);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', path.join(copy.dir, 'up.sh')], {
      encoding: 'utf8',
      env: { ...process.env, GRPC_LAB_NODE_DIR: path.join(tmp, 'refused') },
    });
    copy.remove();
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('node: the lab\'s node needs root (network namespaces, mounts, cgroups): run as root');
  });
});

describe('node/build.sh', () => {
  it('a failed Go build is one line naming its log, and caches nothing', () => {
    // A `go` that fails the way a compile error does.
    const bin = path.join(tmp, 'fake-go');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'go'), '#!/bin/sh\necho "cmd/kube/main.go:1: syntax error" >&2\nexit 1\n', { mode: 0o755 });
    const cache = path.join(tmp, 'cache');
    const r = spawnSync('bash', [path.join(NODE, 'build.sh')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GRPC_LAB_CACHE: cache },
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^node: go build failed \(full log: .*\.tmp\.log\)$/);
    expect(r.stderr).toContain('syntax error');
    const built = spawnSync('find', [cache, '-name', 'kube', '-type', 'f'], { encoding: 'utf8' }).stdout;
    expect(built).toBe('');
  });
});
