// Service A's pure parts in process: configuration, target rewrite, service config, outcome
// classes, the seeded schedule, and the books (with a fake clock, so second boundaries are exact).
import os from 'node:os';
import hdr from 'hdr-histogram-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Accounting } from '../services/a/accounting.js';
import { DEFAULT_TARGET, loadConfig, parseDnsServer, withDnsServer } from '../services/a/config.js';
import { classify, restErrorOutcome, restStatusOutcome } from '../services/a/outcome.js';
import { PoissonSchedule, arrivalsWithin } from '../services/a/schedule.js';
import { channelOptions, serviceConfig } from '../services/a/service-config.js';

describe('config', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      podName: os.hostname(),
      podIp: '127.0.0.1',
      target: DEFAULT_TARGET,
      lbPolicy: 'pick_first',
      channels: 1,
      rate: 100,
      seed: 1,
      maxInFlight: 1000,
      deadlineMs: 2000,
      retries: false,
      payloadSize: 0,
      protocol: 'grpc',
      restTarget: undefined,
      statsPort: 9090,
      dnsServer: undefined,
      dnsMinTimeBetweenResolutionsMs: undefined,
      statsLingerMs: 2000,
    });
  });

  it.each([
    ['dns:///svc.ns.svc.cluster.local:50051', 'dns://127.0.0.53:5353/svc.ns.svc.cluster.local:50051'],
    ['dns://10.96.0.10/svc:50051', 'dns://127.0.0.53:5353/svc:50051'],
    ['dns:svc:50051', 'dns://127.0.0.53:5353/svc:50051'],
    ['svc.ns:50051', 'dns://127.0.0.53:5353/svc.ns:50051'],
    ['ipv4:127.0.0.2:50051,127.0.0.3:50051', 'ipv4:127.0.0.2:50051,127.0.0.3:50051'],
    ['unix:///tmp/b.sock', 'unix:///tmp/b.sock'],
  ])('DNS_SERVER rewrites %s into %s', (target, expected) => {
    expect(withDnsServer(target, parseDnsServer('127.0.0.53:5353'))).toBe(expected);
    expect(loadConfig({ TARGET: target, DNS_SERVER: '127.0.0.53:5353' }).target).toBe(expected);
    expect(loadConfig({ TARGET: target }).target).toBe(target);
  });

  it.each([
    [{ LB_POLICY: 'grpclb' }, 'LB_POLICY=grpclb is not one of: pick_first, round_robin'],
    [{ CHANNELS: '0' }, 'CHANNELS=0 must be >= 1'],
    [{ RATE: 'fast' }, 'RATE=fast is not a number'],
    [{ POD_IP: 'pod-a' }, 'POD_IP=pod-a is not an IP address'],
    [{ PROTOCOL: 'rest', REST_TARGET: 'ftp://b:21' }, 'REST_TARGET=ftp://b:21 must be an http:// URL with a host'],
    [{ DNS_SERVER: '127.0.0.53' }, 'DNS_SERVER=127.0.0.53 must be IP:PORT'],
  ])('rejects %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('service config', () => {
  it('selects the LB policy through loadBalancingConfig only', () => {
    expect(serviceConfig({ lbPolicy: 'round_robin', retries: false })).toEqual({ loadBalancingConfig: [{ round_robin: {} }] });
  });

  it('adds a retry policy on UNAVAILABLE with RETRIES=on', () => {
    const sc = serviceConfig({ lbPolicy: 'pick_first', retries: true });
    expect(sc.methodConfig?.[0]).toMatchObject({
      name: [{ service: 'lab.v1.Backend' }],
      retryPolicy: { maxAttempts: 3, retryableStatusCodes: ['UNAVAILABLE'] },
    });
  });

  it('gives each channel its own subchannel pool and maps the DNS rate limit', () => {
    const opts = channelOptions({ lbPolicy: 'pick_first', retries: false, dnsMinTimeBetweenResolutionsMs: 500 });
    expect(opts['grpc.use_local_subchannel_pool']).toBe(1);
    expect(opts['grpc.dns_min_time_between_resolutions_ms']).toBe(500);
    expect(JSON.parse(String(opts['grpc.service_config']))).toEqual({ loadBalancingConfig: [{ pick_first: {} }] });
    expect('grpc.dns_min_time_between_resolutions_ms' in channelOptions({ lbPolicy: 'pick_first', retries: false })).toBe(false);
  });
});

describe('outcome classes', () => {
  it.each([
    ['OK', '', null],
    ['UNAVAILABLE', 'overloaded: b-3 at capacity 4', 'shed'],
    ['UNAVAILABLE', 'Connection dropped', 'dropped'],
    ['UNAVAILABLE', 'No connection established. Last error: connect ECONNREFUSED 127.0.0.2:50051. Resolution note: ', 'refused'],
    ['UNAVAILABLE', 'round_robin: No connection established. Last error: read ECONNRESET', 'refused'],
    ['UNAVAILABLE', 'read ECONNRESET', 'dropped'],
    ['UNAVAILABLE', 'Name resolution failed for target dns:///b:50051', 'other'],
    ['CANCELLED', 'Call cancelled', 'cancelled'],
    ['DEADLINE_EXCEEDED', 'Deadline exceeded after 2.001s', 'deadline'],
    ['INTERNAL', 'Received RST_STREAM with code 2', 'other'],
  ])('%s "%s" is %s', (code, details, expected) => {
    expect(classify(code, details)).toBe(expected);
  });

  it('maps REST outcomes onto gRPC statuses', () => {
    expect(restStatusOutcome(200)).toEqual({ code: 'OK', errorClass: null });
    expect(restStatusOutcome(503)).toEqual({ code: 'UNAVAILABLE', errorClass: 'shed' });
    expect(restStatusOutcome(418)).toEqual({ code: 'UNKNOWN', errorClass: 'other' });
    expect(restErrorOutcome('ECONNREFUSED')).toEqual({ code: 'UNAVAILABLE', errorClass: 'refused' });
    expect(restErrorOutcome('ECONNRESET')).toEqual({ code: 'UNAVAILABLE', errorClass: 'dropped' });
  });
});

describe('schedule', () => {
  it('is the same sequence for the same seed, and another for another seed', () => {
    const draw = (seed: number): number[] => {
      const s = new PoissonSchedule(100, seed);
      return Array.from({ length: 5 }, () => (s.advance(), s.next));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('averages the configured rate', () => {
    // 100 s at 1,000/s: 100,000 expected arrivals, standard deviation about 316.
    expect(Math.abs(arrivalsWithin(1000, 42, 100_000) - 100_000)).toBeLessThan(1500);
  });

  it('places nothing at rate 0', () => {
    expect(new PoissonSchedule(0, 1).next).toBe(Infinity);
  });
});

describe('accounting', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('puts each event in its second, keeps the books balanced and the cursor exact', () => {
    vi.useFakeTimers({ now: 1_000_000_250 });
    const acc = new Accounting('a-0');
    acc.start(0.5);
    acc.start(1);
    acc.skip(2);
    acc.complete('OK', null, 'b-1', 1500);
    expect(acc.accountingOk()).toBe(true);
    vi.setSystemTime(1_000_001_100);
    acc.complete('UNAVAILABLE', 'shed', null, 300);
    vi.setSystemTime(1_000_003_000); // a second with no event at all still gets its bucket
    const s = acc.snapshot(0);
    expect(s.cursor).toBe(3);
    expect(s.buckets.map((b) => [b.seq, b.t, b.scheduled, b.skipped, b.completed, b.inFlight])).toEqual([
      [1, 1_000_000_000, 3, 1, 1, 1],
      [2, 1_000_001_000, 0, 0, 1, 0],
      [3, 1_000_002_000, 0, 0, 0, 0],
    ]);
    expect(s.buckets[0].perPod).toEqual({ 'b-1': 1 });
    expect(s.buckets[1].errorClasses).toEqual({ shed: 1 });
    expect(s.buckets[0].lagMaxMs).toBeCloseTo(2, 2);
    // Every placed call's lag (started or skipped), for the run's percentiles: 0.5, 1 and 2 ms.
    const lag = hdr.decodeFromCompressedBase64(s.buckets[0].lagHistogram);
    expect([lag.totalCount, lag.getValueAtPercentile(50), Math.round(lag.maxValue / 10) * 10]).toEqual([3, 1000, 2000]);
    expect(s.buckets[1].lagHistogram).toBe('');
    expect(hdr.decodeFromCompressedBase64(s.buckets[0].latencyHistogram).maxValue).toBeGreaterThanOrEqual(1500);
    expect(s.buckets[2].latencyHistogram).toBe('');
    expect(s.totals).toMatchObject({ scheduled: 3, completed: 2, inFlight: 0, skipped: 1, ok: 1 });
    expect(s.accountingOk).toBe(true);
    expect(acc.snapshot(2).buckets.map((b) => b.seq)).toEqual([3]);
    expect(acc.snapshot(3).buckets).toEqual([]);
    expect(acc.snapshot(99).buckets).toEqual([]);
  });

  it('reports a completion it never saw start as broken books', () => {
    vi.useFakeTimers({ now: 2_000_000_000 });
    const broken: Array<Record<string, number>> = [];
    const acc = new Accounting('a-0', (d) => broken.push(d));
    acc.start(0);
    acc.complete('OK', null, 'b-1', 10);
    acc.complete('OK', null, 'b-1', 10);
    expect(acc.accountingOk()).toBe(false);
    vi.setSystemTime(2_000_001_000);
    acc.roll();
    expect(broken).toEqual([{ scheduled: 1, completed: 2, inFlight: -1, skipped: 0 }]);
  });

  it('freezes at finish: a straggler stays in flight and the last bucket never changes', () => {
    vi.useFakeTimers({ now: 3_000_000_400 });
    const acc = new Accounting('a-0');
    acc.start(0);
    acc.start(0);
    acc.complete('OK', null, 'b-1', 10);
    acc.finish();
    acc.complete('OK', null, 'b-1', 10);
    acc.start(0);
    vi.setSystemTime(3_000_005_000);
    const s = acc.snapshot(0);
    expect(s.cursor).toBe(1);
    expect(s.totals).toMatchObject({ scheduled: 2, completed: 1, inFlight: 1 });
    expect(s.accountingOk).toBe(true);
  });
});
