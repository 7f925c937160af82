// Proxy overhead: what the local platform's kube-proxy (a user-space TCP splice in the
// orchestrator) costs a gRPC client, against calling the B pod directly. Same B pod, same client,
// same run; direct and proxied runs alternate so that a slow moment of the shared machine hits both.
import { KubeProxy } from '../scripts/platforms/local/kube-proxy.js';
import { runBare, type BareResult } from './lib/bare.js';
import { median, round } from './lib/numbers.js';
import { benchSubnet, startB, stopAll, type Proc } from './lib/processes.js';
import { checked, type BenchContext, type BenchRun, type Figure } from './lib/report.js';

/** Fixed concurrency, closed loop, one connection (pick_first): A's shape through a ClusterIP. */
const CONCURRENCY = 32;
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

    const direct: BareResult[] = [];
    const proxied: BareResult[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [runs, target, label] of [
        [direct, ip(1), 'direct'],
        [proxied, vip, 'through kube-proxy'],
      ] as const) {
        const r = await runBare({ target: `ipv4:${target}:50051`, lbPolicy: 'pick_first', concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS }, { nodeArgs: ctx.nodeArgs('client') });
        ctx.log(`round ${round} ${label}: ${r.callsPerSec} calls/s, p50 ${r.p50Us} µs, p99 ${r.p99Us} µs${r.errors ? `, ${r.errors} errors (${r.firstError})` : ''}`);
        runs.push(r);
      }
    }
    const d = side(direct);
    const p = side(proxied);
    return { figures: figures(d, p), details: { concurrency: CONCURRENCY, rounds: ROUNDS, warmupMs: WARMUP_MS, durationMs: DURATION_MS, direct: d, proxied: p } };
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

function figures(d: Side, p: Side): Figure[] {
  const ratio = p.callsPerSec / d.callsPerSec;
  const addedP50Ms = (p.p50Us - d.p50Us) / 1000;
  const errors = [...d.runs, ...p.runs].reduce((s, r) => s + r.errors, 0);
  return [
    { name: `direct to B, ${CONCURRENCY} concurrent`, value: `${d.callsPerSec} calls/s, p50 ${ms(d.p50Us)} ms, p99 ${ms(d.p99Us)} ms` },
    { name: `through kube-proxy, ${CONCURRENCY} concurrent`, value: `${p.callsPerSec} calls/s, p50 ${ms(p.p50Us)} ms, p99 ${ms(p.p99Us)} ms` },
    checked('proxied / direct throughput', `${(ratio * 100).toFixed(0)}%`, undefined, '>= 70%', ratio >= 0.7),
    checked('added p50 latency', round(addedP50Ms, 3), 'ms', '<= 0.3 ms', addedP50Ms <= 0.3),
    { name: 'added p99 latency', value: round((p.p99Us - d.p99Us) / 1000, 3), unit: 'ms' },
    checked('failed calls', errors, undefined, '0', errors === 0),
  ];
}

function ms(us: number): number {
  return round(us / 1000, 3);
}
