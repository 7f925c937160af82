// What A's channel settings do on the wire, seen from real B processes: LB policy, number of
// channels (connections), retries against a shedding B, and name resolution through DNS_SERVER.
import dgram from 'node:dgram';
import * as packet from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { stopAll, testSubnet } from './helpers/processes.js';
import { bStats, runA, sleep, startA, startB, stopA, sum } from './service-a-support.js';

const subnet = testSubnet();
const ip = (n: number): string => `${subnet}.${n}`;

afterEach(stopAll);

describe('service A channels', () => {
  it('pick_first over two addresses uses one B, round_robin uses both', async () => {
    await Promise.all([startB(ip(1)), startB(ip(2))]);
    const target = `ipv4:${ip(1)}:50051,${ip(2)}:50051`;
    const [pickFirst, roundRobin] = await Promise.all([
      runA(ip(3), { TARGET: target, LB_POLICY: 'pick_first', RATE: '100' }, 3000),
      runA(ip(4), { TARGET: target, LB_POLICY: 'round_robin', RATE: '100' }, 3000),
    ]);
    expect(pickFirst.stats.totals.ok).toBe(pickFirst.stats.totals.completed);
    expect(Object.keys(pickFirst.stats.totals.perPod)).toHaveLength(1);

    const rr = roundRobin.stats.totals;
    expect(rr.ok).toBe(rr.completed);
    expect(Object.keys(rr.perPod).sort()).toEqual([`b-${ip(1)}`, `b-${ip(2)}`]);
    // round_robin alternates per call once both connections are ready; until then the first one
    // ready takes every call. So compare the whole seconds after both served: an even split.
    const pods = [`b-${ip(1)}`, `b-${ip(2)}`];
    const both = roundRobin.stats.buckets.filter((b) => pods.every((p) => (b.perPod[p] ?? 0) > 0)).slice(1);
    expect(both.length).toBeGreaterThan(0);
    const [n1, n2] = pods.map((p) => sum(both.map((b) => b.perPod[p])));
    expect(Math.abs(n1 - n2)).toBeLessThanOrEqual(2 + 0.1 * (n1 + n2));
  });

  it('CHANNELS=2 opens two connections to B, CHANNELS=1 one', async () => {
    const [b1, b2] = await Promise.all([startB(ip(10)), startB(ip(11))]);
    const [a1, a2] = await Promise.all([
      startA(ip(12), { TARGET: `ipv4:${ip(10)}:50051`, CHANNELS: '1', RATE: '50' }),
      startA(ip(13), { TARGET: `ipv4:${ip(11)}:50051`, CHANNELS: '2', RATE: '50' }),
    ]);
    await sleep(1500);
    expect((await bStats(b1)).openConnections).toBe(1);
    expect((await bStats(b2)).openConnections).toBe(2);
    const [one, two] = await Promise.all([stopA(a1), stopA(a2)]);
    expect(one.stats.totals.ok).toBe(one.stats.totals.completed);
    expect(two.stats.totals.ok).toBe(two.stats.totals.completed);
  });

  it('RETRIES=on turns shed calls into more attempts: fewer UNAVAILABLE, B receives more than A completes', async () => {
    // Retries help only against bursts, never against a B whose capacity is below the load: 70
    // calls/s of 100 ms keep 7 calls in flight on average, CAPACITY 10 sheds about one call in 13
    // (Erlang's loss formula) when arrivals bunch up, and a call fails for good with retries only
    // when all three attempts are shed. Long work keeps that true on a busy machine, where timers
    // run late. Both A pods share a name, hence the same schedule; both Bs are identical.
    const shedding = { WORK_MS: '100', CAPACITY: '10', POD_NAME: 'b-shed' };
    const [bOff, bOn] = await Promise.all([startB(ip(20), shedding), startB(ip(21), shedding)]);
    const load = { RATE: '70', POD_NAME: 'a-retries' };
    const [off, on] = await Promise.all([
      runA(ip(22), { ...load, TARGET: `ipv4:${ip(20)}:50051`, RETRIES: 'off' }, 4000),
      runA(ip(23), { ...load, TARGET: `ipv4:${ip(21)}:50051`, RETRIES: 'on' }, 4000),
    ]);
    const [receivedOff, receivedOn] = [(await bStats(bOff)).received, (await bStats(bOn)).received];

    const unavailableOff = off.stats.totals.byCode.UNAVAILABLE ?? 0;
    const unavailableOn = on.stats.totals.byCode.UNAVAILABLE ?? 0;
    expect(off.stats.totals.errorClasses.shed).toBe(unavailableOff);
    expect(unavailableOff).toBeGreaterThan(off.stats.totals.completed * 0.02);
    expect(unavailableOn).toBeLessThan(unavailableOff);
    // Without retries B sees each call at most once; with them, the shed attempts come back.
    expect(receivedOff).toBeLessThanOrEqual(off.stats.totals.completed);
    expect(receivedOn).toBeGreaterThan(on.stats.totals.completed);
    expect(receivedOn).toBeLessThanOrEqual(3 * on.stats.totals.completed);
  });
});

/** A DNS server that answers A queries for one name with one address, and counts what it is asked. */
async function tinyDns(host: string, name: string, address: string): Promise<{ port: number; asked: () => string[]; close: () => void }> {
  const socket = dgram.createSocket('udp4');
  const asked: string[] = [];
  socket.on('message', (msg, from) => {
    const query = packet.decode(msg);
    const question = query.questions?.[0];
    if (!question) return;
    asked.push(`${question.type} ${question.name}`);
    const answers = question.type === 'A' && question.name === name ? [{ type: 'A' as const, name, ttl: 30, data: address }] : [];
    const reply = packet.encode({
      type: 'response',
      id: query.id,
      flags: packet.AUTHORITATIVE_ANSWER | (question.name === name ? 0 : 3), // 3 = NXDOMAIN
      questions: [question],
      answers,
    });
    socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return { port: socket.address().port, asked: () => asked, close: () => socket.close() };
}

describe('service A name resolution through DNS_SERVER', () => {
  it('resolves a dns: target and a REST target through the given server', async () => {
    const b = await startB(ip(30));
    const dns = await tinyDns(ip(31), 'service-b.lab.test', ip(30));
    try {
      const server = `${ip(31)}:${dns.port}`;
      const [grpcRun, restRun] = await Promise.all([
        runA(ip(32), { TARGET: 'dns:///service-b.lab.test:50051', DNS_SERVER: server, RATE: '50' }, 1500),
        runA(ip(33), { PROTOCOL: 'rest', REST_TARGET: 'http://service-b.lab.test:8080', DNS_SERVER: server, RATE: '50' }, 1500),
      ]);
      for (const run of [grpcRun, restRun]) {
        expect(run.stats.totals.completed).toBeGreaterThan(30);
        expect(run.stats.totals.perPod).toEqual({ [`b-${ip(30)}`]: run.stats.totals.completed });
      }
      expect(dns.asked()).toContain('A service-b.lab.test');
      expect((await bStats(b)).received).toBe(sum([grpcRun.stats.totals.completed, restRun.stats.totals.completed]));
    } finally {
      dns.close();
    }
  });

  it('shows the rewritten target in its started log', async () => {
    const a = await startA(ip(34), { TARGET: 'service-b.lab.test:50051', DNS_SERVER: `${ip(31)}:5353`, RATE: '0' });
    expect(a.logs.find((l) => l.event === 'started')?.target).toBe(`dns://${ip(31)}:5353/service-b.lab.test:50051`);
    expect((await stopA(a)).code).toBe(0);
  });
});
