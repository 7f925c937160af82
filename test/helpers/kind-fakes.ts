// Stand-ins for the kind platform's two seams (commands and API calls), fixtures, and temporary
// overlays over the real manifests, shared by the test/kind-*.test.ts files.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { KubeApi } from '../../scripts/platforms/cluster/kube-api.js';
import { RecordingRunner } from './recording-runner.js';
import type { WatchType } from '../../scripts/platforms/cluster/watch-events.js';
import { PROJECT_ROOT } from './processes.js';

export const FIXTURES = path.join(PROJECT_ROOT, 'test/fixtures/kind');

export interface WatchLine {
  type: WatchType;
  object: any;
}

export async function watchFixture(name: 'pod-watch' | 'endpointslice-watch' | 'event-watch'): Promise<WatchLine[]> {
  return JSON.parse(await readFile(path.join(FIXTURES, `${name}.json`), 'utf8')) as WatchLine[];
}

/** `kubectl config view -o json` of a kubeconfig with these contexts (name -> server). */
export function kubeconfigJson(current: string, servers: Record<string, string>): string {
  const names = Object.keys(servers);
  return JSON.stringify({
    kind: 'Config',
    apiVersion: 'v1',
    'current-context': current,
    clusters: names.map((n) => ({ name: n, cluster: { server: servers[n], 'certificate-authority-data': 'DATA+OMITTED' } })),
    contexts: names.map((n) => ({ name: n, context: { cluster: n, user: n } })),
    users: names.map((n) => ({ name: n, user: { 'client-certificate-data': 'DATA+OMITTED', 'client-key-data': 'DATA+OMITTED' } })),
  });
}

export const OUR_NAMESPACE_JSON = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'grpc-lab', labels: { 'app.kubernetes.io/managed-by': 'grpc-k8s-lab', 'kubernetes.io/metadata.name': 'grpc-lab' } },
  status: { phase: 'Active' },
});

export interface ClusterScript {
  kubeconfig?: string;
  /** What `kubectl get namespace grpc-lab -o json --ignore-not-found` prints, call after call. */
  namespace?: string[];
  /** argv joined by spaces -> Error: that command fails. */
  failures?: Record<string, Error>;
}

/** A RecordingRunner that answers the read-only kubectl commands the way a cluster would. */
export function scriptedRunner(script: ClusterScript = {}): RecordingRunner {
  const namespaces = [...(script.namespace ?? [])];
  return new RecordingRunner((argv) => {
    const line = argv.join(' ');
    const failure = Object.entries(script.failures ?? {}).find(([cmd]) => line.includes(cmd));
    if (failure) return failure[1];
    if (line === 'kubectl config view --output=json') {
      return script.kubeconfig ?? kubeconfigJson('kind-grpc-lab', { 'kind-grpc-lab': 'https://127.0.0.1:41234' });
    }
    if (argv.includes('get') && argv.includes('namespace')) return namespaces.shift() ?? '';
    return '';
  });
}

/** The API seam in memory: answers GETs from a table and hands watch subscribers to the test. */
export class FakeApi implements KubeApi {
  readonly gets: string[] = [];
  readonly watchers = new Map<string, (type: WatchType, object: unknown) => void>();

  constructor(private readonly answers: Record<string, string> = {}) {}

  async get(p: string): Promise<string> {
    this.gets.push(p);
    const answer = this.answers[p];
    if (answer === undefined) throw new Error(`FakeApi: no answer for GET ${p}`);
    return answer;
  }

  async watch(p: string, onEvent: (type: WatchType, object: unknown) => void): Promise<() => void> {
    this.watchers.set(p, onEvent);
    return () => this.watchers.delete(p);
  }
}

const tmpDirs: string[] = [];

/** A temporary kustomization over the real base with these components (relative paths). */
export async function overlayWith(components: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grpc-lab-kind-'));
  tmpDirs.push(dir);
  const rel = (p: string) => JSON.stringify(path.relative(dir, path.join(PROJECT_ROOT, 'k8s', p)));
  await writeFile(
    path.join(dir, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `resources: [${rel('base')}]`,
      `components: [${components.map((c) => rel(`components/${c}`)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  return dir;
}

export async function removeOverlays(): Promise<void> {
  await Promise.all(tmpDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}
