// Real gRPC traffic through the local platform's data path, from service A to service B:
// - ClusterIP + pick_first: kube-proxy balances per TCP connection, so one channel pins to one pod;
// - headless + round_robin: the lab DNS answers every ready pod and the channel spreads over all;
// - HAProxy (the l7-proxy variant's shape): one HTTP/2 connection from A, every call balanced.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPlatform } from '../scripts/platforms/local/local-platform.js';
import type { StatsResponse } from '../services/shared/stats-schema.js';
import { sleep } from './fixtures/local/events.js';
import { configMap, deployment, namespace, service, serviceA, serviceB, target } from './fixtures/local/objects.js';
import { PROJECT_ROOT } from './helpers/processes.js';
import { testOctet } from './helpers/octets.js';

const platform = new LocalPlatform({ octet: testOctet(), seed: 3 });
const HAPROXY_CFG = readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/local/haproxy.cfg'), 'utf8');

beforeAll(async () => {
  await platform.up([
    namespace(),
    serviceB({ name: 'b-clusterip', app: 'b-clusterip', replicas: 4 }),
    service('b-clusterip', 'b-clusterip'),
    // Ten pods: a DNS answer that outgrows 512-byte UDP, which HAProxy must still get whole.
    serviceB({ name: 'b-headless', app: 'b-headless', replicas: 10 }),
    service('b-headless', 'b-headless', { headless: true }),
    configMap('l7-proxy-config', { 'haproxy.cfg': HAPROXY_CFG }),
    deployment('l7-proxy', 'l7-proxy', {
      image: 'haproxy:2.6',
      args: ['-f', '/usr/local/etc/haproxy/haproxy.cfg'],
      ports: [{ name: 'grpc', containerPort: 50051 }],
      readinessProbe: { tcpSocket: { port: 50051 }, periodSeconds: 1 },
      container: { volumeMounts: [{ name: 'config', mountPath: '/usr/local/etc/haproxy/', readOnly: true }] },
      podSpec: { volumes: [{ name: 'config', configMap: { name: 'l7-proxy-config' } }] },
    }),
    service('l7-proxy', 'l7-proxy'),
    // The callers start at 0 replicas and are scaled up once every B pod is in the proxy and DNS:
    // a channel resolves when it starts, and this test is about balancing, not about start-up.
    serviceA({ TARGET: target('b-clusterip'), LB_POLICY: 'pick_first' }, { name: 'a-pick-first', replicas: 0 }),
    serviceA({ TARGET: target('b-headless'), LB_POLICY: 'round_robin' }, { name: 'a-round-robin', replicas: 0 }),
    serviceA({ TARGET: target('l7-proxy'), LB_POLICY: 'pick_first' }, { name: 'a-l7-proxy', replicas: 0 }),
  ]);
  // HAProxy re-resolves every second and checks each server once a second.
  await sleep(2500);
  for (const a of ['a-pick-first', 'a-round-robin', 'a-l7-proxy']) await platform.scale(a, 1);
  await Promise.all(['a-pick-first', 'a-round-robin', 'a-l7-proxy'].map((a) => platform.waitForRollout(a, 30_000)));
}, 90_000);

afterAll(() => platform.down());

async function podsOf(deployment: string): Promise<string[]> {
  return (await platform.pods()).filter((p) => p.deployment === deployment).map((p) => p.name).sort();
}

/** A's totals once it has served at least `ok` calls. */
async function statsAfter(deployment: string, ok: number): Promise<StatsResponse['totals']> {
  const [pod] = await podsOf(deployment);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const stats = JSON.parse(await platform.httpGet(pod, 9090, '/stats')) as StatsResponse;
    if (stats.totals.ok >= ok || Date.now() > deadline) return stats.totals;
    await sleep(250);
  }
}

describe('gRPC through the local data path', () => {
  it('pins a pick_first channel to one pod through a ClusterIP Service', async () => {
    expect(platform.inspection.proxyBackends('b-clusterip', 50051)).toHaveLength(4);
    const totals = await statsAfter('a-pick-first', 100);
    expect(totals.ok).toBeGreaterThanOrEqual(100);
    expect(Object.keys(totals.perPod)).toHaveLength(1);
    expect(await podsOf('b-clusterip')).toContain(Object.keys(totals.perPod)[0]);
  });

  it('reaches every pod with round_robin over a headless Service', async () => {
    const totals = await statsAfter('a-round-robin', 200);
    expect(Object.keys(totals.perPod).sort()).toEqual(await podsOf('b-headless'));
  });

  it('balances one HTTP/2 connection over every pod through HAProxy', async () => {
    const totals = await statsAfter('a-l7-proxy', 200);
    expect(totals.ok).toBeGreaterThanOrEqual(200);
    expect(Object.keys(totals.perPod).sort()).toEqual(await podsOf('b-headless'));
    const [haproxy] = await podsOf('l7-proxy');
    // It was the system haproxy, reading the config the platform rewrote for the lab DNS.
    expect(platform.inspection.podLogs(haproxy).join('\n')).not.toMatch(/parse-resolv-conf|ALERT/);
  });
});
