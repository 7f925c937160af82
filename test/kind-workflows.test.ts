// The GitHub Actions workflows and the make targets they call: they parse, they run the commands
// the README tells a person to run, and those targets exist in the Makefile (make -n, nothing run).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from './helpers/processes.js';

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { 'runs-on': string; steps: Step[]; strategy?: { matrix?: Record<string, unknown[]>; 'fail-fast'?: boolean } }>;
}

function workflow(name: string): Workflow {
  return parse(readFileSync(path.join(PROJECT_ROOT, '.github/workflows', name), 'utf8')) as Workflow;
}

const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
const kindSection = readme.slice(readme.indexOf('<!-- section:kind -->'), readme.indexOf('<!-- /section:kind -->'));

function runs(w: Workflow): string[] {
  return Object.values(w.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? s.run.split('\n').map((l) => l.trim()) : [])));
}

function uses(w: Workflow): string[] {
  return Object.values(w.jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses ? [s.uses] : [])));
}

/** What `make -n TARGET` would run (nothing is run); throws with make's message when it cannot. */
function dryRun(...args: string[]): string {
  const r = spawnSync('make', ['-n', '--no-print-directory', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make -n ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

describe('.github/workflows/ci.yml', () => {
  const ci = workflow('ci.yml');

  it('runs make test on every push to main and every pull request, with Node 20 and what the tests run (HAProxy ...)', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(runs(ci)).toContain('make test');
    expect(uses(ci)).toEqual(expect.arrayContaining(['actions/checkout@v4', 'actions/setup-node@v4']));
    const node = Object.values(ci.jobs)[0]!.steps.find((s) => s.uses === 'actions/setup-node@v4');
    expect(node?.with?.['node-version']).toBe(20);
    expect(runs(ci)).toContain('sudo make test-deps');
    expect(dryRun('test-deps')).toContain('haproxy');
    expect(readme).toContain('make test');
  });
});

describe('.github/workflows/kind.yml', () => {
  const kind = workflow('kind.yml');
  const job = Object.values(kind.jobs)[0]!;

  it('runs every round on its own kind cluster with the README\'s commands', () => {
    expect(job.strategy?.matrix?.round).toEqual([1, 2, 3, 4, 5]);
    expect(job.strategy?.['fail-fast']).toBe(false);
    const lines = runs(kind);
    expect(lines).toContain('make cluster');
    expect(lines).toContain('make scenario-${{ matrix.round }} PLATFORM=kind');
    expect(lines).toContain('make cluster-down');
    for (const command of ['make cluster', 'make scenario-3 PLATFORM=kind', 'make cluster-down']) expect(kindSection).toContain(command);
  });

  it('installs kind >= 0.23 without creating a cluster, so make cluster creates it from k8s/kind/cluster.yaml', () => {
    const step = job.steps.find((s) => s.uses?.startsWith('helm/kind-action@'));
    expect(step?.with).toMatchObject({ install_only: true });
    const [major, minor] = String(step?.with?.version).replace(/^v/, '').split('.').map(Number);
    expect(major! > 0 || minor! >= 23).toBe(true);
  });

  it('pins kind, kubectl and every node image to the Kubernetes minor of the lab\'s own node', () => {
    const step = job.steps.find((s) => s.uses?.startsWith('helm/kind-action@'));
    const nodeMinor = /k8s\.io\/kubernetes v1\.(\d+)\./.exec(readFileSync(path.join(PROJECT_ROOT, 'node/go/go.mod'), 'utf8'))?.[1];
    expect(nodeMinor).toBeDefined();
    expect(String(step?.with?.kubectl_version)).toMatch(new RegExp(`^v1\\.${nodeMinor}\\.\\d+$`));
    expect(String(step?.with?.version)).toMatch(/^v\d+\.\d+\.\d+$/);
    const cluster = parse(readFileSync(path.join(PROJECT_ROOT, 'k8s/kind/cluster.yaml'), 'utf8')) as { nodes: Array<{ image?: string }> };
    expect(cluster.nodes.length).toBeGreaterThan(0);
    for (const node of cluster.nodes) expect(node.image).toMatch(new RegExp(`^kindest/node:v1\\.${nodeMinor}\\.\\d+@sha256:[0-9a-f]{64}$`));
  });

  it('keeps reports/ as an artifact whatever happened, and always deletes the cluster', () => {
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload).toMatchObject({ if: 'always()', with: { path: 'reports/' } });
    expect(job.steps.find((s) => s.run === 'make cluster-down')?.if).toBe('always()');
    // the order a person would follow
    const order = ['make cluster', 'make scenario-', 'upload-artifact', 'make cluster-down'].map((needle) =>
      job.steps.findIndex((s) => (s.run ?? s.uses ?? '').includes(needle)),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.every((i) => i >= 0)).toBe(true);
  });
});

describe('make targets the workflows and the README call', () => {
  it('make cluster checks docker, kind and kubectl first, creates the cluster from its config and loads both images', () => {
    const plan = dryRun('cluster', 'CLUSTER=kind');
    expect(plan.split('\n').filter((l) => !l.startsWith('case ') && !l.startsWith('make '))[0]).toBe('bash scripts/platforms/cluster/preflight.sh docker kind kubectl');
    expect(plan).toContain('kind create cluster --config k8s/kind/cluster.yaml');
    expect(plan).toContain('docker build --tag grpc-k8s-lab:dev .');
    expect(plan).toContain('bash scripts/platforms/cluster/load-image.sh grpc-k8s-lab:dev grpc-lab');
    expect(plan).toContain('docker pull haproxy:2.6');
    expect(plan).toContain('bash scripts/platforms/cluster/load-image.sh haproxy:2.6 grpc-lab');
  });

  it('make cluster-down deletes only the lab cluster', () => {
    expect(dryRun('cluster-down', 'CLUSTER=kind').trim().split('\n').filter((l) => !l.startsWith('case ') && !l.startsWith('make '))).toEqual(['bash scripts/platforms/cluster/preflight.sh kind', 'kind delete cluster --name grpc-lab']);
  });

  it('make cluster picks kind or the lab\'s own node, and refuses any other CLUSTER with one line', () => {
    expect(dryRun('cluster', 'CLUSTER=node')).toContain('bash node/up.sh');
    expect(dryRun('cluster-down', 'CLUSTER=node')).toContain('bash node/down.sh');
    const bad = spawnSync('make', ['--no-print-directory', 'cluster', 'CLUSTER=minikube'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toBe("cluster: CLUSTER must be one of: kind node (got 'minikube')");
  });

  it.each([1, 2, 3, 4, 5])('make scenario-%i PLATFORM=kind runs the lab on kind', (round) => {
    const plan = dryRun(`scenario-${round}`, 'PLATFORM=kind');
    expect(plan).toMatch(new RegExp(`\\b${round}\\b.*--platform kind`));
  });

  it('passes --context, --yes and --image through only when asked', () => {
    const plan = dryRun('scenario-3', 'PLATFORM=kind', 'KUBE_CONTEXT=staging', 'YES=1', 'IMAGE_REF=registry.example.com/lab:1');
    expect(plan).toContain('--context staging --yes --image registry.example.com/lab:1');
    expect(dryRun('scenario-3', 'PLATFORM=kind')).not.toContain('--context');
  });

  it('make stability runs on the local platform unless PLATFORM=kind, with N and the filters passed through', () => {
    const stability = (plan: string): string => plan.split('\n').find((l) => l.includes('bench/stability.js')) ?? '';
    expect(stability(dryRun('stability'))).toMatch(/--runs 10 --platform local\s*$/);
    expect(stability(dryRun('stability', 'PLATFORM=auto'))).toContain('--platform local');
    expect(stability(dryRun('stability', 'PLATFORM=kind', 'N=3', 'ROUNDS=1,3', 'VARIANT=fixed'))).toContain(
      '--runs 3 --platform kind --rounds 1,3 --variant fixed',
    );
  });

  it('the make used here is GNU make, as the Makefile expects', () => {
    expect(execFileSync('make', ['--version']).toString()).toMatch(/^GNU Make/);
  });
});
