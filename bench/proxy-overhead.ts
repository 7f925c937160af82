// Proxy overhead: what the local platform's kube-proxy (a user-space TCP splice in the
// orchestrator) costs a gRPC client, against calling the B pod directly. Same B pod, same client,
// same run; direct and proxied runs alternate so that a slow moment of the shared machine hits both.
import { KubeProxy } from '../scripts/platforms/local/kube-proxy.js';
import { runBare, type BareResult } from './lib/bare.js';
import { median, round } from './lib/numbers.js';
import { benchSubnet, startB, stopAll, type Proc } from './lib/processes.js';
import { checked, type BenchContext, type BenchRun, type Figure } from './lib/report.js';

/** Fixed concurrency, closed loop, one connection (pick_first): A's shape through a ClusterIP.
 *  At 32 calls in flight latency is mostly queueing (Little's law: 32 / throughput), so the hop
 *  itself is also measured with one call at a time, and 4 and 8 in flight show where the machine
 *  (client, proxy and B on two cores) starts to saturate. */
const CONCURRENCY = 32;
const UNLOADED = 1;
const SWEEP = [UNLOADED, 4, 8, CONCURRENCY];
const ROUNDS = 3;
const WARMUP_MS = 1000;
const DURATION_MS = 3000;

interface Side {
  runs: BareResult[];
  callsPerSec: number;
  p50Us: number;
  p99Us: number;
}

export async function proxyOverhead(ctx: BenchContext): Promise<BenchRun> {
  const ip = benchSubnet();
  const pods: Proc[] = [];
  const proxy = new KubeProxy({ random: Math.random });
  try {
    pods.push(await startB('b-1', ip(1), {}, ctx.nodeArgs('b')));
    const vip = ip(200);
    await proxy.addServicePort(vip, 50051);
    proxy.setBackends(vip, 50051, [{ pod: 'b-1', ip: ip(1), port: 50051 }]);

    const runs: Record<string, BareResult[]> = {};
    for (let round = 1; round <= ROUNDS; round++) {
      for (const concurrency of SWEEP) {
        for (const [target, label] of [
          [ip(1), 'direct'],
          [vip, 'proxied'],
        ] as const) {
          const r = await runBare({ target: `ipv4:${target}:50051`, lbPolicy: 'pick_first', concurrency, warmupMs: WARMUP_MS, durationMs: DURATION_MS }, { nodeArgs: ctx.nodeArgs('client') });
          ctx.log(`round ${round} ${label} x${concurrency}: ${r.callsPerSec} calls/s, p50 ${r.p50Us} µs, p99 ${r.p99Us} µs${r.errors ? `, ${r.errors} errors (${r.firstError})` : ''}`);
          (runs[`${label}-${concurrency}`] ??= []).push(r);
        }
      }
    }
    const sides = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, side(v)]));
    return {
      figures: [
        ...figures(sides[`direct-${CONCURRENCY}`], sides[`proxied-${CONCURRENCY}`], sides[`direct-${UNLOADED}`], sides[`proxied-${UNLOADED}`]),
        ...sweepFigures(sides),
      ],
      details: { concurrency: CONCURRENCY, unloaded: UNLOADED, sweep: SWEEP, rounds: ROUNDS, warmupMs: WARMUP_MS, durationMs: DURATION_MS, sides },
    };
  } finally {
    await proxy.close();
    await stopAll(pods);
  }
}

/** Medians over the rounds: one slow round (a neighbour's build) moves none of them. */
function side(runs: BareResult[]): Side {
  return {
    runs,
    callsPerSec: median(runs.map((r) => r.callsPerSec)),
    p50Us: median(runs.map((r) => r.p50Us)),
    p99Us: median(runs.map((r) => r.p99Us)),
  };
}

function figures(d: Side, p: Side, d1: Side, p1: Side): Figure[] {
  const ratio = p.callsPerSec / d.callsPerSec;
  const addedP50Ms = (p.p50Us - d.p50Us) / 1000;
  const hopP50Ms = (p1.p50Us - d1.p50Us) / 1000;
  const errors = [d, p, d1, p1].flatMap((s) => s.runs).reduce((s, r) => s + r.errors, 0);
  const line = (s: Side): string => `${s.callsPerSec.toLocaleString('en-US')} calls/s, p50 ${ms(s.p50Us)} ms, p99 ${ms(s.p99Us)} ms`;
  return [
    { name: `direct to B, ${CONCURRENCY} concurrent`, value: line(d) },
    { name: `through kube-proxy, ${CONCURRENCY} concurrent`, value: line(p) },
    checked('proxied / direct throughput', `${(ratio * 100).toFixed(0)}%`, undefined, '>= 70%', ratio >= 0.7),
    checked(`added p50 latency, ${CONCURRENCY} concurrent`, round(addedP50Ms, 3), 'ms', '<= 0.3 ms', addedP50Ms <= 0.3),
    { name: `added p99 latency, ${CONCURRENCY} concurrent`, value: round((p.p99Us - d.p99Us) / 1000, 3), unit: 'ms' },
    { name: 'direct to B, 1 at a time', value: line(d1) },
    { name: 'through kube-proxy, 1 at a time', value: line(p1) },
    checked('added p50 latency, 1 at a time (the hop itself)', round(hopP50Ms, 3), 'ms', '<= 0.3 ms', hopP50Ms <= 0.3),
    checked('failed calls', errors, undefined, '0', errors === 0),
  ];
}

/** The in-between concurrencies: where the added latency stops being the hop and becomes CPU share. */
function sweepFigures(sides: Record<string, Side>): Figure[] {
  return SWEEP.filter((c) => c !== UNLOADED && c !== CONCURRENCY).map((c) => {
    const d = sides[`direct-${c}`];
    const p = sides[`proxied-${c}`];
    const added = (p.p50Us - d.p50Us) / 1000;
    const value = `${p.callsPerSec.toLocaleString('en-US')} vs ${d.callsPerSec.toLocaleString('en-US')} calls/s (${((p.callsPerSec / d.callsPerSec) * 100).toFixed(0)}%), p50 ${ms(d.p50Us)} -> ${ms(p.p50Us)} ms (+${round(added, 3)} ms)`;
    return checked(`through kube-proxy vs direct, ${c} concurrent: added p50`, value, undefined, '<= 0.3 ms', added <= 0.3);
  });
}

function ms(us: number): number {
  return round(us / 1000, 3);
}
