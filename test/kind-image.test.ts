// What the container image runs, checked without Docker: the entry point dispatches to A or B as
// real processes and keeps Node's default SIGTERM behaviour (round 2 depends on it), and the
// Dockerfile, .dockerignore and kind cluster config say what the kind targets rely on.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KIND_CLUSTER, KIND_CONTEXT, LAB_IMAGE } from '../scripts/platforms/cluster/safety.js';
import { PROJECT_ROOT, testSubnet } from './helpers/processes.js';

const ENTRYPOINT = path.join(PROJECT_ROOT, 'dist/services/entrypoint.js');
const subnet = testSubnet();
const children: Array<ReturnType<typeof spawn>> = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

interface Started {
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  waitFor(event: string): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

function start(args: string[], env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, [ENTRYPOINT, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  let err = '';
  let buf = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    lines,
    stderr: () => err,
    exited,
    kill: (signal) => child.kill(signal),
    async waitFor(event) {
      const end = Date.now() + 20_000;
      while (!lines.some((l) => l.event === event)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`no "${event}" line; stderr: ${err}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

describe('services/entrypoint', () => {
  it('refuses a missing or unknown service with one line and exit code 2', async () => {
    for (const args of [[], ['service-c'], ['constructor']]) {
      const p = start(args);
      expect(await p.exited).toEqual({ code: 2, signal: null });
      expect(p.stderr()).toBe(`entrypoint: the first argument must be one of service-a, service-b, got ${args[0] ?? 'none'}\n`);
    }
  });

  it('runs B for service-b, which dies of SIGTERM as Node does by default, and A for service-a', async () => {
    const bIp = `${subnet}.11`;
    const b = start(['service-b'], { POD_IP: bIp, POD_NAME: 'service-b-test', SHUTDOWN_MODE: 'none' });
    await b.waitFor('ready');
    expect(b.lines[0]).toMatchObject({ service: 'b', pod: 'service-b-test' });

    const a = start(['service-a'], { POD_IP: `${subnet}.12`, POD_NAME: 'service-a-test', TARGET: `ipv4:${bIp}:50051`, RATE: '20' });
    await a.waitFor('started');
    expect(a.lines.find((l) => l.event === 'started')).toMatchObject({ service: 'a', target: `ipv4:${bIp}:50051` });

    a.kill('SIGTERM');
    b.kill('SIGTERM');
    expect((await b.exited).signal).toBe('SIGTERM');
    expect(await a.exited).toEqual({ code: 0, signal: null });
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n');

  it('builds on node:20-slim (by default) in two stages and runs as the numeric node user, under an init', () => {
    expect(instructions[0]).toBe('ARG BASE_IMAGE=node:20-slim');
    expect(instructions.filter((l) => l.startsWith('FROM '))).toEqual(['FROM ${BASE_IMAGE} AS build', 'FROM ${BASE_IMAGE} AS runtime']);
    expect(instructions).toContain('RUN npm ci --no-audit --no-fund');
    expect(instructions).toContain('RUN npx tsc -p tsconfig.json');
    expect(instructions.some((l) => l.startsWith('RUN npm ci --omit=dev'))).toBe(true);
    expect(instructions).toContain('USER 1000:1000');
    const entry = instructions.find((l) => l.startsWith('ENTRYPOINT '))!;
    const argv = JSON.parse(entry.slice('ENTRYPOINT '.length)) as string[];
    expect(argv).toEqual(['/usr/bin/tini', '--', 'node', 'dist/services/entrypoint.js']);
    expect(existsSync(path.join(PROJECT_ROOT, argv[3]!))).toBe(true);
  });

  it('copies only what exists and is not ignored, and the manifests run the image as that user', () => {
    const ignored = readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const copied = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(copied.length).toBeGreaterThan(4);
    for (const source of copied) {
      expect(existsSync(path.join(PROJECT_ROOT, source)), source).toBe(true);
      expect(ignored, source).not.toContain(source);
    }
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
    const b = readFileSync(path.join(PROJECT_ROOT, 'k8s/base/service-b-deployment.yaml'), 'utf8');
    expect(parse(b).spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(b).toContain(`image: ${LAB_IMAGE}`);
  });
});

describe('k8s/kind/cluster.yaml', () => {
  it('is cluster grpc-lab: one control plane, two workers of one pinned image, kube-proxy in iptables mode', () => {
    const cluster = parse(readFileSync(path.join(PROJECT_ROOT, 'k8s/kind/cluster.yaml'), 'utf8'));
    expect(cluster).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: KIND_CLUSTER,
      networking: { kubeProxyMode: 'iptables' },
      nodes: ['control-plane', 'worker', 'worker'].map((role) => ({ role, image: expect.stringMatching(/^kindest\/node:v1\.\d+\.\d+@sha256:/) })),
    });
    // every node the same image (kind-workflows checks its Kubernetes minor against the node's)
    expect(new Set((cluster.nodes as Array<{ image: string }>).map((n) => n.image)).size).toBe(1);
    // kind names the kubeconfig context after the cluster: the safety rules expect exactly that
    expect(KIND_CONTEXT).toBe(`kind-${cluster.name}`);
  });
});
