// The open-loop reference: the least code that sends lab.v1.Backend/Work with grpc-js on a Poisson
// schedule: A's own timer loop and schedule, a call per arrival, how late each started (A's
// generator without its accounting, buckets, stats or metrics). At the same rate and lag bound,
// what A falls short of this is A's own overhead; what this falls short of the closed-loop client
// is the price of keeping a schedule in Node on this machine.
//
// Usage: node dist/bench/bare-open-loop.js '{"target":"ipv4:127.0.0.1:50051","rate":2000,
//          "warmupMs":3000,"seconds":4,"lbPolicy":"round_robin"}'
// Prints one JSON line (BareOpenLoopResult) and exits 0; bad input is one line on stderr and exit 2.
import * as grpc from '@grpc/grpc-js';
import { loadLabProto } from '../services/shared/proto.js';
import type { BareOpenLoopOptions, BareOpenLoopResult } from './lib/bare.js';
import { median, round } from './lib/numbers.js';
import { runScheduleLoop } from './lib/schedule-loop.js';

function parseOptions(raw: string | undefined): BareOpenLoopOptions {
  const o = JSON.parse(raw ?? '') as Partial<BareOpenLoopOptions>;
  if (typeof o.rate !== 'number' || !(o.rate > 0)) throw new Error('rate must be a number > 0');
  for (const k of ['warmupMs', 'seconds'] as const) if (!Number.isInteger(o[k]) || (o[k] as number) < 0) throw new Error(`${k} must be a whole number`);
  if (typeof o.target !== 'string' || o.target === '') throw new Error('target is missing');
  return { lbPolicy: 'round_robin', ...o } as BareOpenLoopOptions;
}

async function measure(o: BareOpenLoopOptions): Promise<BareOpenLoopResult> {
  const { BackendClient } = loadLabProto();
  const client = new BackendClient(o.target, grpc.credentials.createInsecure(), {
    'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ [o.lbPolicy]: {} }] }),
  });
  const metadata = new grpc.Metadata();
  let errors = 0;
  let firstError: string | undefined;
  let seq = 0;
  const call = (): void => {
    client.Work({ callId: `bare-${++seq}`, payloadSize: 0 }, metadata, { deadline: Date.now() + 10_000 }, (err) => {
      if (err) {
        errors++;
        firstError ??= `${grpc.status[err.code]}: ${err.details}`;
      }
    });
  };
  const r = await runScheduleLoop({ rate: o.rate, seed: 7, warmupMs: o.warmupMs, seconds: o.seconds, onArrival: call });
  client.close();
  return {
    rate: o.rate,
    startedRate: r.started / o.seconds,
    errors,
    firstError,
    lagP99MedianMs: round(median(r.lagP99PerSecondMs), 3),
    lagP99WorstMs: round(Math.max(...r.lagP99PerSecondMs), 3),
  };
}

try {
  const result = await measure(parseOptions(process.argv[2]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`bare-open-loop: ${(err as Error).message.split('\n')[0]}\n`);
  process.exit(2);
}
