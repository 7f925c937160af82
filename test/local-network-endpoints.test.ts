// Endpoint propagation: a change reaches kube-proxy's rules and DNS only after each view's delay,
// in order, and the timeline shows both moments.
import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Resolver } from 'node:dns/promises';
import { AddressPlan } from '../scripts/platforms/local/addresses.js';
import { ClusterDns } from '../scripts/platforms/local/cluster-dns.js';
import { DEFAULT_PROPAGATION_DELAY_MS, EndpointPropagator, type Endpoint } from '../scripts/platforms/local/endpoints.js';
import { KubeProxy } from '../scripts/platforms/local/kube-proxy.js';
import { monotonicNow } from '../scripts/model/clock.js';
import { type LabEvent } from '../scripts/model/events.js';
import { testOctet } from './helpers/octets.js';

const PORT = 50051;
const plan = new AddressPlan(testOctet());
const pods: Endpoint[] = ['b-0', 'b-1', 'b-2'].map((pod) => ({ pod, ip: plan.nextPodIp() }));
const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function propagator(): { events: LabEvent[]; propagator: EndpointPropagator } {
  const events: LabEvent[] = [];
  const p = new EndpointPropagator({ emit: (e) => events.push(e) });
  cleanups.push(() => p.stop());
  return { events, propagator: p };
}

const podsIn = (events: LabEvent[], view: string, type: LabEvent['type']) =>
  events.filter((e) => e.view === view && e.type === type).map((e) => e.pod);

describe('endpoint propagation', () => {
  it('removes a pod from kube-proxy only after the delay, and the timeline shows both moments', async () => {
    const delayMs = DEFAULT_PROPAGATION_DELAY_MS;
    const vip = plan.serviceIp(0);
    const proxy = new KubeProxy({ random: Math.random });
    cleanups.push(() => proxy.close());
    await proxy.addServicePort(vip, PORT);
    const { events, propagator: p } = propagator();
    p.addView('proxy', delayMs, (_service, endpoints) => proxy.setBackends(vip, PORT, endpoints.map((e) => ({ ...e, port: PORT }))));

    p.update('b', pods);
    expect(podsIn(events, 'endpoints', 'endpoint-added')).toEqual(['b-0', 'b-1', 'b-2']);
    expect(proxy.backends(vip, PORT)).toEqual([]);
    await sleep(delayMs + 100);
    expect(proxy.backends(vip, PORT).map((b) => b.pod)).toEqual(['b-0', 'b-1', 'b-2']);
    expect(podsIn(events, 'proxy', 'endpoint-added')).toEqual(['b-0', 'b-1', 'b-2']);

    events.length = 0;
    const t0 = monotonicNow();
    p.update('b', [pods[1], pods[2]]);
    const removed = events.find((e) => e.type === 'endpoint-removed' && e.view === 'endpoints');
    expect(removed).toMatchObject({ service: 'b', pod: 'b-0', detail: pods[0].ip });
    expect(removed!.t - t0).toBeLessThan(20);

    await sleep(delayMs - 300);
    // Still in kube-proxy's rules: new connections may still be sent to the leaving pod.
    expect(proxy.backends(vip, PORT).map((b) => b.pod)).toContain('b-0');
    expect(events.filter((e) => e.view === 'proxy')).toEqual([]);

    await sleep(600);
    expect(proxy.backends(vip, PORT).map((b) => b.pod)).toEqual(['b-1', 'b-2']);
    const fromProxy = events.filter((e) => e.view === 'proxy');
    expect(fromProxy).toMatchObject([{ type: 'endpoint-removed', service: 'b', pod: 'b-0', detail: pods[0].ip }]);
    expect(fromProxy[0].t - removed!.t).toBeGreaterThanOrEqual(delayMs);
    expect(fromProxy[0].t - removed!.t).toBeLessThan(delayMs + 500);
  });

  it('applies updates to each view in order, every intermediate state, each view on its own delay', async () => {
    const { events, propagator: p } = propagator();
    const applied: Record<string, string[][]> = { proxy: [], dns: [] };
    p.addView('proxy', 50, (_s, eps) => applied.proxy.push(eps.map((e) => e.pod)));
    p.addView('dns', 150, (_s, eps) => applied.dns.push(eps.map((e) => e.pod)));
    const states = [[pods[0]], [pods[0], pods[1]], [pods[1]], [], [pods[2]]];
    for (const state of states) {
      p.update('b', state);
      await sleep(10);
    }
    await sleep(300);
    const expected = states.map((s) => s.map((e) => e.pod));
    expect(applied.proxy).toEqual(expected);
    expect(applied.dns).toEqual(expected);
    // Every view emits the same diffs as the slice, later.
    const diffs = (view: string) => events.filter((e) => e.view === view).map((e) => `${e.type} ${e.pod}`);
    expect(diffs('proxy')).toEqual(diffs('endpoints'));
    expect(diffs('dns')).toEqual(diffs('endpoints'));
    const firstOf = (view: string) => events.find((e) => e.view === view)!.t;
    expect(firstOf('proxy')).toBeLessThan(firstOf('dns'));
    // Timestamps never go backwards along the timeline.
    for (const view of ['proxy', 'dns']) {
      const ts = events.filter((e) => e.view === view).map((e) => e.t);
      expect(ts).toEqual([...ts].sort((a, b) => a - b));
    }
  });

  it('applies at once with a zero delay', () => {
    const { propagator: p } = propagator();
    const applied: string[][] = [];
    p.addView('dns', 0, (_s, eps) => applied.push(eps.map((e) => e.pod)));
    p.update('b', [pods[0]]);
    expect(applied).toEqual([['b-0']]);
  });

  it('keeps services apart', async () => {
    const { events, propagator: p } = propagator();
    const applied: Array<[string, string[]]> = [];
    p.addView('proxy', 20, (s, eps) => applied.push([s, eps.map((e) => e.pod)]));
    p.update('a', [pods[0]]);
    p.update('b', [pods[1]]);
    p.update('a', []);
    await sleep(100);
    expect(applied).toEqual([
      ['a', ['b-0']],
      ['b', ['b-1']],
      ['a', []],
    ]);
    expect(events.filter((e) => e.view === 'proxy').map((e) => `${e.service} ${e.type} ${e.pod}`)).toEqual([
      'a endpoint-added b-0',
      'b endpoint-added b-1',
      'a endpoint-removed b-0',
    ]);
  });

  it('stop() cancels pending updates and ignores later ones', async () => {
    const { events, propagator: p } = propagator();
    const applied: string[][] = [];
    p.addView('proxy', 50, (_s, eps) => applied.push(eps.map((e) => e.pod)));
    p.update('b', [pods[0]]);
    p.stop();
    p.update('b', [pods[1]]);
    await sleep(150);
    expect(applied).toEqual([]);
    expect(events.map((e) => `${e.view} ${e.type} ${e.pod}`)).toEqual(['endpoints endpoint-added b-0']);
  });

  it('feeds the DNS view into the cluster DNS: a headless name changes only after the delay', async () => {
    const dns = new ClusterDns(plan.dns);
    await dns.start();
    cleanups.push(() => dns.stop());
    const name = 'b-headless.grpc-lab.svc.cluster.local';
    const { propagator: p } = propagator();
    p.addView('dns', 600, (_s, eps) => dns.setRecords(name, eps.map((e) => e.ip)));
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`${plan.dns.ip}:${plan.dns.port}`]);
    const answer = async () => (await resolver.resolve4(name)).sort();

    p.update('b', pods);
    await sleep(700);
    expect(await answer()).toEqual(pods.map((e) => e.ip).sort());
    p.update('b', [pods[0]]);
    await sleep(200);
    expect(await answer()).toEqual(pods.map((e) => e.ip).sort());
    await sleep(700);
    expect(await answer()).toEqual([pods[0].ip]);
  });
});
