// The lab's CoreDNS wrapper (node/images/coredns) against what kubeadm 1.34 deploys: its plugins are
// exactly those of kubeadm's Corefile, in CoreDNS's own directive order, at the CoreDNS version
// kubeadm names. kubeadm's and CoreDNS's sources are read from the Go module cache when a build put
// them there; the checked-in Corefile (kubeadm's, rendered for cluster.local) stands in otherwise.
// test/cluster/node-cluster.test.ts compares that copy with the Corefile kubeadm gives the node.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT as ROOT } from './helpers/processes.js';

const WRAPPER = path.join(ROOT, 'node/images/coredns');
const COREDNS_VERSION = 'v1.12.1';
// CoreDNS's plugin.cfg order (v1.12.1) restricted to kubeadm's plugins; checked against the module
// below when it is in the cache.
const EXPECTED_ORDER = ['reload', 'ready', 'health', 'prometheus', 'errors', 'loadbalance', 'cache', 'kubernetes', 'loop', 'forward'];

function modCache(): string {
  const go = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
  if (go.status === 0 && go.stdout.trim() !== '') return go.stdout.trim();
  return process.env.GOMODCACHE ?? path.join(process.env.GOPATH ?? path.join(os.homedir(), 'go'), 'pkg/mod');
}
const MODS = modCache();

/** The newest k8s.io/kubernetes v1.34.x in the module cache, if any. */
function kubernetesModule(): string | undefined {
  const dir = path.join(MODS, 'k8s.io');
  if (!existsSync(dir)) return undefined;
  const found = readdirSync(dir)
    .map((d) => /^kubernetes@v1\.34\.(\d+)$/.exec(d))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  return found[0] ? path.join(dir, found[0][0]) : undefined;
}
const K8S = kubernetesModule();
const COREDNS_MOD = path.join(MODS, `github.com/coredns/coredns@${COREDNS_VERSION}`);
const HAS_COREDNS = existsSync(path.join(COREDNS_MOD, 'core/dnsserver/zdirectives.go'));

/** kubeadm's Corefile template rendered with DNSDomain=cluster.local, as text. */
function kubeadmCorefile(k8s: string): string {
  const go = readFileSync(path.join(k8s, 'cmd/kubeadm/app/phases/addons/dns/manifests.go'), 'utf8');
  const configMap = /CoreDNSConfigMap = `([\s\S]*?)`/.exec(go)![1]!;
  const block = configMap.slice(configMap.indexOf('Corefile: |') + 'Corefile: |'.length).replace(/^\n/, '');
  const rendered = block
    .replace(/\s*\{\{-\s*end\s*\}\}/g, '') // {{- trims the whitespace (and newline) before it
    .replace(/\s*\{\{-\s*if \.DNSDomain\s*\}\}/g, '')
    .replace(/\{\{ \.DNSDomain \}\}/g, 'cluster.local');
  const lines = rendered.split('\n').filter((l) => l.trim() !== '');
  const indent = Math.min(...lines.map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n') + '\n';
}

/** The plugins a Corefile uses: the first word of each line directly inside the server block. */
function corefilePlugins(text: string): string[] {
  const plugins: string[] = [];
  let depth = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    if (depth === 1 && line !== '}') plugins.push(line.split(/[\s{]+/)[0]!);
    depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
  }
  return plugins;
}

const mainGo = readFileSync(path.join(WRAPPER, 'main.go'), 'utf8');
const directives = [.../var directives = \[\]string\{([\s\S]*?)\}/.exec(mainGo)![1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
const imported = [...mainGo.matchAll(/_ "github\.com\/coredns\/coredns\/plugin\/([a-z0-9_]+)"/g)].map((m) => m[1]!);
const checkedIn = readFileSync(path.join(WRAPPER, 'Corefile.kubeadm-1.34'), 'utf8');

describe('node/images/coredns: the CoreDNS wrapper', () => {
  it("sets the directive list to exactly the plugins of kubeadm's Corefile", () => {
    const corefile = K8S ? kubeadmCorefile(K8S) : checkedIn;
    expect([...directives].sort()).toEqual([...corefilePlugins(corefile)].sort());
    expect(new Set(directives).size).toBe(directives.length);
  });

  it("imports each plugin's package, and no other plugin", () => {
    // plugin.cfg maps a directive to its package: prometheus lives in plugin/metrics.
    let packageOf: Record<string, string> = { prometheus: 'metrics' };
    if (HAS_COREDNS) {
      packageOf = Object.fromEntries(
        readFileSync(path.join(COREDNS_MOD, 'plugin.cfg'), 'utf8')
          .split('\n')
          .filter((l) => /^[a-z0-9_]+:/.test(l))
          .map((l) => l.split(':') as [string, string]),
      );
    }
    expect([...imported].sort()).toEqual(directives.map((d) => packageOf[d] ?? d).sort());
    expect(mainGo).toContain('dnsserver.Directives = directives');
    expect(mainGo).toContain('coremain.Run()');
    // Not upstream's plugin bundle, which pulls in every plugin and its cloud SDKs.
    expect(mainGo).not.toContain('github.com/coredns/coredns/core/plugin"');
  });

  it("orders them as CoreDNS's generated zdirectives.go does", () => {
    expect(directives).toEqual(EXPECTED_ORDER);
    if (HAS_COREDNS) {
      const z = readFileSync(path.join(COREDNS_MOD, 'core/dnsserver/zdirectives.go'), 'utf8');
      const upstream = [.../var Directives = \[\]string\{([\s\S]*?)\}/.exec(z)![1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
      expect(upstream.filter((d) => directives.includes(d))).toEqual(directives);
    }
  });

  it('requires exactly the CoreDNS version kubeadm 1.34 deploys, pinned by go.sum', () => {
    const goMod = readFileSync(path.join(WRAPPER, 'go.mod'), 'utf8');
    expect(goMod).toMatch(new RegExp(`^require github\\.com/coredns/coredns ${COREDNS_VERSION.replace(/\./g, '\\.')}$`, 'm'));
    const goSum = readFileSync(path.join(WRAPPER, 'go.sum'), 'utf8');
    expect(goSum).toContain(`github.com/coredns/coredns ${COREDNS_VERSION} h1:`);
    expect(readFileSync(path.join(ROOT, 'node/images/build.sh'), 'utf8')).toContain(`grpc-lab.local/coredns:${COREDNS_VERSION}`);
    if (K8S) {
      const constants = readFileSync(path.join(K8S, 'cmd/kubeadm/app/constants/constants.go'), 'utf8');
      expect(constants).toMatch(new RegExp(`CoreDNSVersion = "${COREDNS_VERSION}"`));
    }
  });

  it('commits no CoreDNS source: the wrapper is main.go, go.mod, go.sum, the Dockerfile and the Corefile', () => {
    expect(readdirSync(WRAPPER).sort()).toEqual(['Corefile.kubeadm-1.34', 'Dockerfile', 'go.mod', 'go.sum', 'main.go']);
  });
});
