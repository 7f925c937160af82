// The cluster platform's real API client (@kubernetes/client-node) and the real kubectl, against an
// API server stand-in on loopback that replays recorded watch streams: the pod proxy path, the
// watch that reconnects from the last version it saw, events reaching the platform, and the
// auto-selection probe.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../scripts/platforms/platform.js';
import { type LabEvent } from '../scripts/model/events.js';
import { clientNodeApi, kubeConfigFor } from '../scripts/platforms/cluster/kube-api.js';
import { ClusterPlatform } from '../scripts/platforms/cluster/cluster-platform.js';
import { renderOverlay } from '../scripts/platforms/render.js';
import { platforms } from '../scripts/platforms/index.js';
import { kubeconfigJson, scriptedRunner, watchFixture, type WatchLine } from './helpers/kind-fakes.js';
import { PROJECT_ROOT } from './helpers/processes.js';

const PODS = '/api/v1/namespaces/grpc-lab/pods';
const SLICES = '/apis/discovery.k8s.io/v1/namespaces/grpc-lab/endpointslices';
const TOKEN = 'lab-test-token';

/** What each watch connection of a collection sends, in order; the connection then ends. */
type WatchScript = Map<string, Array<Array<WatchLine | { type: 'ERROR'; object: { code: number } }>>>;

interface FakeServer {
  url: string;
  /** TCP connections the server accepted. */
  connections: () => number;
  requests: Array<{ url: string; auth: string | undefined }>;
  watches: WatchScript;
  open: Set<http.ServerResponse>;
  close(): Promise<void>;
}

async function fakeApiServer(): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const watches: WatchScript = new Map();
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ url: req.url ?? '', auth: req.headers.authorization });
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/version') return res.end(JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.0', platform: 'linux/amd64' }));
    if (url.searchParams.get('watch') === 'true') {
      const lines = watches.get(url.pathname)?.shift();
      if (!lines) {
        // no more scripted streams: hold the connection open, as a quiet API server does
        open.add(res);
        res.on('close', () => open.delete(res));
        return res.writeHead(200).flushHeaders();
      }
      res.writeHead(200);
      for (const l of lines) res.write(`${JSON.stringify(l)}\n`);
      return res.end();
    }
    const proxy = /^\/api\/v1\/namespaces\/grpc-lab\/pods\/([^/]+)\/proxy\/(.*)$/.exec(url.pathname);
    if (proxy) return res.end(JSON.stringify({ target: proxy[1], path: proxy[2], query: url.search }));
    if (url.pathname === '/broken') {
      res.writeHead(503);
      return res.end('{"kind":"Status","message":"no endpoints available for service \\"x\\""}\n');
    }
    if (url.pathname === PODS) return res.end(JSON.stringify({ kind: 'PodList', items: [] }));
    res.writeHead(404).end();
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    requests,
    watches,
    open,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let api: FakeServer;
let dir: string;
const savedKubeconfig = process.env.KUBECONFIG;

/** A kubeconfig whose kind-grpc-lab talks to the stand-in; `dead` points at a port nobody listens on. */
async function writeKubeconfig(kindServer: string): Promise<string> {
  const file = path.join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  const cluster = (name: string, server: string) => `- name: ${name}\n  cluster: { server: "${server}", insecure-skip-tls-verify: true }`;
  await writeFile(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: kind-grpc-lab',
      'clusters:',
      cluster('kind-grpc-lab', kindServer),
      cluster('dead', 'http://127.0.0.1:9'),
      'contexts:',
      '- name: kind-grpc-lab\n  context: { cluster: kind-grpc-lab, user: lab }',
      '- name: dead\n  context: { cluster: dead, user: lab }',
      'users:',
      `- name: lab\n  user: { token: ${TOKEN} }`,
      '',
    ].join('\n'),
  );
  return file;
}

beforeAll(async () => {
  api = await fakeApiServer();
  dir = await mkdtemp(path.join(os.tmpdir(), 'grpc-lab-kubeconfig-'));
  process.env.KUBECONFIG = await writeKubeconfig(api.url);
});

afterAll(async () => {
  if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedKubeconfig;
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('clientNodeApi', () => {
  it('GETs a pod proxy path with its query, with the kubeconfig user\'s token', async () => {
    const kube = clientNodeApi(kubeConfigFor('kind-grpc-lab'));
    const body = await kube.get(`${PODS}/service-a-7f9c6d5b4-qw2er:9090/proxy/stats?after=3`);
    expect(JSON.parse(body)).toEqual({ target: 'service-a-7f9c6d5b4-qw2er:9090', path: 'stats', query: '?after=3' });
    expect(api.requests.at(-1)).toEqual({ url: `${PODS}/service-a-7f9c6d5b4-qw2er:9090/proxy/stats?after=3`, auth: `Bearer ${TOKEN}` });
  });

  it('reads through one kept-alive connection, not a new one per GET', async () => {
    const kube = clientNodeApi(kubeConfigFor('kind-grpc-lab'));
    const before = api.connections();
    for (let i = 0; i < 5; i++) await kube.get('/version');
    await Promise.all([kube.get(PODS), kube.get(PODS)]);
    // five reads one after another share one connection; two at once need a second one
    expect(api.connections() - before).toBe(2);
  });

  it('turns an error answer and an unreachable server into one line', async () => {
    const kube = clientNodeApi(kubeConfigFor('kind-grpc-lab'));
    await expect(kube.get('/broken')).rejects.toThrow(new PlatformError('GET /broken: HTTP 503: {"kind":"Status","message":"no endpoints available for service \\"x\\""}'));
    await expect(clientNodeApi(kubeConfigFor('dead')).get('/version', 3000)).rejects.toThrow(/^GET \/version: connect ECONNREFUSED 127\.0\.0\.1:9$/);
    expect(() => kubeConfigFor('nowhere')).toThrow('no context nowhere in kubeconfig');
  });

  it('watches from the last version it saw after a stream ends, and from scratch after 410 Gone', async () => {
    const lines = await watchFixture('pod-watch');
    const path1 = '/api/v1/namespaces/watch-test/pods';
    api.watches.set(path1, [lines.slice(0, 4), [lines[4]!, { type: 'ERROR', object: { code: 410 } }], [lines[5]!]]);
    const seen: string[] = [];
    const stop = await clientNodeApi(kubeConfigFor('kind-grpc-lab')).watch(path1, (type, obj) => seen.push(`${type} ${(obj as any).metadata.resourceVersion}`), () => {});
    await until('three streams and a held fourth', () => seen.length === 6 && api.open.size === 1);
    stop();
    await until('the held stream to close', () => api.open.size === 0);
    expect(seen).toEqual(['ADDED 1201', 'MODIFIED 1203', 'MODIFIED 1210', 'MODIFIED 1214', 'ADDED 1215', 'MODIFIED 1302']);
    const opened = api.requests.filter((r) => r.url.startsWith(`${path1}?`)).map((r) => new URL(r.url, 'http://x').searchParams.get('resourceVersion'));
    expect(opened).toEqual([null, '1214', null, '1302']);
  });
});

describe('ClusterPlatform with the real API client', () => {
  it('turns the watched streams into timeline events while kubectl commands are recorded', async () => {
    api.watches.set(PODS, [(await watchFixture('pod-watch')).slice(0, 5)]);
    api.watches.set(SLICES, [(await watchFixture('endpointslice-watch')).slice(0, 4)]);
    const runner = scriptedRunner({ kubeconfig: kubeconfigJson('kind-grpc-lab', { 'kind-grpc-lab': api.url }) });
    const platform = new ClusterPlatform({ print: () => {} }, { runner });
    const heard: LabEvent[] = [];
    platform.onEvent((e) => heard.push(e));
    await platform.up(await renderOverlay(path.join(PROJECT_ROOT, 'k8s/base')));
    await until('the recorded events', () => heard.length === 6);
    expect(heard.map((e) => `${e.type} ${e.pod}`).sort()).toEqual(
      [
        'pod-created service-b-6d8f7c9b5d-x7k2p',
        'pod-ready service-b-6d8f7c9b5d-x7k2p',
        'pod-created service-b-6d8f7c9b5d-m4q9z',
        'pod-ready service-b-6d8f7c9b5d-m4q9z',
        'endpoint-added service-b-6d8f7c9b5d-x7k2p',
        'endpoint-added service-b-6d8f7c9b5d-m4q9z',
      ].sort(),
    );
    expect(JSON.parse(await platform.httpGet('service-a-1', 9090, 'stats'))).toMatchObject({ target: 'service-a-1:9090', path: 'stats' });
    expect(await platform.pods()).toEqual([]);
    expect(await platform.clusterInfo()).toEqual({ provider: 'kind', serverVersion: 'v1.31.0', context: 'kind-grpc-lab' });
    await platform.down();
    await until('the held watches to close', () => api.open.size === 0);
    expect(runner.calls.some((c) => c.argv.includes('apply'))).toBe(true);
  });
});

describe('choosing a platform with the real kubectl', () => {
  it('takes the cluster when kind-grpc-lab answers, and local with the reason when it does not', async () => {
    expect(await platforms.choose('auto')).toEqual({ name: 'cluster', reason: 'cluster: context kind-grpc-lab answers', settled: { context: 'kind-grpc-lab' } });
    expect(api.requests.some((r) => r.url.startsWith('/version'))).toBe(true);

    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = await writeKubeconfig('http://127.0.0.1:9');
    try {
      expect(await platforms.choose('auto')).toEqual({
        name: 'local',
        reason: 'local: context kind-grpc-lab does not answer: The connection to the server 127.0.0.1:9 was refused - did you specify the right host or port? (is Docker running? make cluster-down && make cluster recreates it)',
        settled: {},
      });
      await expect(platforms.choose('kind')).rejects.toThrow(/^cluster: context kind-grpc-lab does not answer/);
    } finally {
      process.env.KUBECONFIG = saved;
    }
  });
});
