// The lab's own single-node Kubernetes for real (slow, root; `make test-cluster`): node/up.sh starts
// it from the cached build, the pinned version answers, pods run as containers with addresses from
// the pod CIDR, kube-proxy's iptables rules balance a ClusterIP Service, CoreDNS answers a headless
// name with the pods' addresses, and node/down.sh leaves the host as it found it.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT as ROOT } from '../helpers/processes.js';

if (process.getuid?.() !== 0) throw new Error('the node cluster tests need root (network namespaces, mounts, cgroups)');

const NODE = path.join(ROOT, 'node');
const NETNS = 'grpc-lab-node';
const CONTEXT = 'grpc-lab-node';
const NS = 'grpc-lab-node-test';

function sh(cmd: string, args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 << 20 });
}
function ok(cmd: string, args: string[], input?: string): string {
  const r = sh(cmd, args, input);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}
const kubectl = (...args: string[]) => ok('kubectl', [`--context=${CONTEXT}`, '--request-timeout=30s', ...args]);
const inNode = (...args: string[]) => ok('ip', ['netns', 'exec', NETNS, ...args]);

/** What the node must leave as it found it: processes, namespaces, mounts, rules, links, sysctls. */
function hostState() {
  const sysctls = ['vm.overcommit_memory', 'vm.panic_on_oom', 'kernel.panic', 'kernel.panic_on_oops', 'net.ipv4.ip_forward'];
  return {
    processes: ok('ps', ['-eo', 'comm=']).split('\n').filter((c) => /^(kube|containerd|etcd|netns-forward|coredns|node|pause)/.test(c) && c !== 'node').sort(),
    netns: ok('ip', ['netns', 'list']),
    mounts: readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((m) => m.includes('grpc-lab') || m.includes('kubelet') || m.includes('containerd')),
    iptables: ok('iptables-save', []).split('\n').filter((l) => l !== '' && !l.startsWith('#')),
    links: ok('ip', ['-o', 'link', 'show']).replace(/\\\s+link\/.*$/gm, ''),
    sysctls: sysctls.map((k) => `${k}=${ok('sysctl', ['-n', k]).trim()}`),
    contexts: ok('kubectl', ['config', 'get-contexts', '-o', 'name']).split('\n').filter((c) => c === CONTEXT),
  };
}

let before: ReturnType<typeof hostState>;

beforeAll(() => {
  // A node left running by an earlier run is stopped first: the baseline is a host without one.
  ok('bash', [path.join(NODE, 'down.sh'), '--quiet']);
  before = hostState();
  const up = sh('bash', [path.join(NODE, 'up.sh')]);
  if (up.status !== 0) throw new Error(`node/up.sh failed (exit ${up.status}):\n${up.stdout}\n${up.stderr}`);
});

afterAll(() => {
  sh('bash', [path.join(NODE, 'down.sh'), '--quiet']);
});

describe('the lab node', () => {
  it('serves the Kubernetes version go.mod pins, through the context merged into kubeconfig', () => {
    const pinned = /^\s*k8s\.io\/kubernetes (v\S+)$/m.exec(readFileSync(path.join(NODE, 'go/go.mod'), 'utf8'))![1];
    const version = JSON.parse(kubectl('version', '-o', 'json'));
    expect(version.serverVersion.gitVersion).toBe(pinned);
    const node = JSON.parse(kubectl('get', 'node', 'grpc-lab-node', '-o', 'json'));
    expect(node.spec.podCIDR).toBe('10.244.0.0/24');
    expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\//);
  });

  it('runs kube-proxy in iptables mode and CoreDNS from kubeadm\'s addon', () => {
    expect(inNode('curl', '-s', 'http://127.0.0.1:10249/proxyMode')).toBe('iptables');
    const dns = JSON.parse(kubectl('-n', 'kube-system', 'get', 'deployment', 'coredns', '-o', 'json'));
    expect(dns.status.readyReplicas).toBeGreaterThanOrEqual(1);
    expect(dns.spec.template.spec.containers[0].image).toBe('grpc-lab.local/coredns:v1.12.1');
  });

  it("gives CoreDNS kubeadm's own Corefile, the one node/images/coredns keeps a copy of", () => {
    const running = kubectl('-n', 'kube-system', 'get', 'configmap', 'coredns', '-o', 'jsonpath={.data.Corefile}');
    const copy = readFileSync(path.join(NODE, 'images/coredns/Corefile.kubeadm-1.34'), 'utf8');
    const lines = (text: string): string[] => text.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
    expect(lines(running)).toEqual(lines(copy));
  });

  it('balances a ClusterIP Service with iptables rules and answers a headless name with pod addresses', () => {
    kubectl('create', 'namespace', NS);
    const manifest = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'echo', namespace: NS },
          spec: {
            replicas: 3,
            selector: { matchLabels: { app: 'echo' } },
            template: {
              metadata: { labels: { app: 'echo' } },
              spec: {
                containers: [
                  {
                    name: 'echo',
                    image: 'grpc-k8s-lab:dev',
                    imagePullPolicy: 'IfNotPresent',
                    // A pod that answers its own name on every TCP connection (and survives the probes' resets).
                    command: ['node', '-e', "require('net').createServer((s)=>s.on('error',()=>{}).end(process.env.HOSTNAME)).listen(8080)"],
                    env: [],
                    ports: [{ containerPort: 8080 }],
                    readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
                  },
                ],
              },
            },
          },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo', namespace: NS }, spec: { selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 8080 }] } },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'echo-headless', namespace: NS },
          spec: { clusterIP: 'None', selector: { app: 'echo' }, ports: [{ port: 8080 }] },
        },
      ],
    };
    ok('kubectl', [`--context=${CONTEXT}`, 'apply', '-f', '-'], JSON.stringify(manifest));
    kubectl('-n', NS, 'rollout', 'status', 'deployment/echo', '--timeout=180s');
    const pods = JSON.parse(kubectl('-n', NS, 'get', 'pods', '-l', 'app=echo', '-o', 'json')).items as Array<{ status: { podIP: string }; metadata: { name: string } }>;
    const ips = pods.map((p) => p.status.podIP).sort();
    expect(ips).toHaveLength(3);
    for (const ip of ips) expect(ip).toMatch(/^10\.244\.0\.\d+$/);

    // kube-proxy's rules for the Service: one KUBE-SEP per pod, picked with -m statistic.
    const clusterIP = JSON.parse(kubectl('-n', NS, 'get', 'service', 'echo', '-o', 'json')).spec.clusterIP as string;
    // The rules follow the EndpointSlice at most once a second (minSyncPeriod): wait for them.
    let seps: string[] = [];
    for (let tries = 0; tries < 30 && seps.length < 3; tries++) {
      const rules = inNode('iptables-save', '-t', 'nat');
      const svcChain = new RegExp(`-A KUBE-SERVICES -d ${clusterIP.replace(/\./g, '\\.')}/32 .* -j (KUBE-SVC-\\w+)`).exec(rules)?.[1];
      seps = svcChain ? rules.split('\n').filter((l) => l.startsWith(`-A ${svcChain} `) && l.includes('-j KUBE-SEP-')) : [];
      if (seps.length < 3) spawnSync('sleep', ['1']);
    }
    expect(seps).toHaveLength(3);
    expect(seps.filter((l) => l.includes('-m statistic --mode random'))).toHaveLength(2);

    // From inside the cluster: new connections to the ClusterIP reach more than one pod, and the
    // headless name resolves (through CoreDNS) to exactly the pods' addresses.
    const probe = `
      const net = require('net'), dns = require('dns');
      const ask = () => new Promise((res) => { let s = ''; net.connect(80, '${clusterIP}').on('data', (d) => s += d).on('end', () => res(s)).on('error', (e) => res('error ' + e.code)); });
      (async () => {
        const names = new Set(); for (let i = 0; i < 30; i++) names.add(await ask());
        // CoreDNS learns of endpoints through its own watch: allow it a few seconds to agree.
        const lookup = () => new Promise((res) => dns.lookup('echo-headless.${NS}.svc.cluster.local', { all: true }, (err, a) => res(err ? String(err) : a.map((x) => x.address).sort())));
        let addrs, tries = 0;
        do { addrs = await lookup(); tries++; } while (addrs.length !== 3 && tries < 20 && await new Promise((r) => setTimeout(r, 500, true)));
        console.log(JSON.stringify({ names: [...names], addrs, tries }));
      })();`;
    // Run to completion, then read its log: `kubectl run -i` can miss the output of a short pod.
    kubectl('-n', NS, 'run', 'probe', '--image=grpc-k8s-lab:dev', '--image-pull-policy=IfNotPresent', '--restart=Never', '--command', '--', 'node', '-e', probe);
    kubectl('-n', NS, 'wait', 'pod/probe', '--for=jsonpath={.status.phase}=Succeeded', '--timeout=120s');
    const out = kubectl('-n', NS, 'logs', 'probe');
    const seen = JSON.parse(out.trim().split('\n').pop()!);
    expect(seen.names.filter((n: string) => n.startsWith('error')), JSON.stringify(seen)).toEqual([]);
    expect(seen.names.length).toBeGreaterThan(1);
    for (const name of seen.names) expect(pods.map((p) => p.metadata.name)).toContain(name);
    expect(seen.addrs).toEqual(ips);
  });

  it('leaves the host as it found it after cluster-down', () => {
    ok('bash', [path.join(NODE, 'down.sh')]);
    expect(hostState()).toEqual(before);
  });

  it('Ctrl-C during start-up removes what was made, exit 130', async () => {
    // Interrupted once the API server answers: certificates, namespace, cgroup and processes exist.
    const child = spawn('bash', [path.join(NODE, 'up.sh')], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('API server ready')) resolve();
      });
      child.once('exit', () => resolve());
    });
    expect(out).toContain('API server ready');
    process.kill(-child.pid!, 'SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(err).toContain('node: interrupted; removing what was made');
    expect(hostState()).toEqual(before);
  });
});
