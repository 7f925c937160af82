// The open-loop reference: the least code that sends lab.v1.Backend/Work with grpc-js on a Poisson
// schedule. One timer loop wakes at the next arrival and starts every call that is due, recording
// how late each started (A's generator without its accounting, buckets, stats or metrics). At the
// same rate and lag bound, what A falls short of this is A's own overhead; what this falls short of
// the closed-loop client is the price of keeping a schedule in Node on this machine.
//
// Usage: node dist/bench/bare-open-loop.js '{"target":"ipv4:127.0.0.1:50051","rate":2000,
//          "warmupMs":3000,"seconds":4,"lbPolicy":"round_robin"}'
// Prints one JSON line (BareOpenLoopResult) and exits 0; bad input is one line on stderr and exit 2.
import * as grpc from '@grpc/grpc-js';
import hdr from 'hdr-histogram-js';
import { Rng } from '../services/shared/rng.js';
import { loadLabProto } from '../services/shared/proto.js';
import type { BareOpenLoopOptions, BareOpenLoopResult } from './lib/bare.js';
import { median, round } from './lib/numbers.js';

function parseOptions(raw: string | undefined): BareOpenLoopOptions {
  const o = JSON.parse(raw ?? '') as Partial<BareOpenLoopOptions>;
  if (typeof o.rate !== 'number' || !(o.rate > 0)) throw new Error('rate must be a number > 0');
  for (const k of ['warmupMs', 'seconds'] as const) if (!Number.isInteger(o[k]) || (o[k] as number) < 0) throw new Error(`${k} must be a whole number`);
  if (typeof o.target !== 'string' || o.target === '') throw new Error('target is missing');
  return { lbPolicy: 'round_robin', ...o } as BareOpenLoopOptions;
}

function measure(o: BareOpenLoopOptions): Promise<BareOpenLoopResult> {
  const { BackendClient } = loadLabProto();
  const client = new BackendClient(o.target, grpc.credentials.createInsecure(), {
    'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ [o.lbPolicy]: {} }] }),
  });
  const metadata = new grpc.Metadata();
  const rng = new Rng(7);
  const meanGapMs = 1000 / o.rate;
  const lagUs = hdr.build({ numberOfSignificantValueDigits: 3 });
  const perSecond: number[] = [];
  const endMs = o.warmupMs + o.seconds * 1000;
  let nextSecondMs = o.warmupMs + 1000;
  let started = 0;
  let errors = 0;
  let firstError: string | undefined;
  let seq = 0;
  const origin = performance.now();
  let next = rng.exponential(meanGapMs);

  const call = (): void => {
    client.Work({ callId: `bare-${++seq}`, payloadSize: 0 }, metadata, { deadline: Date.now() + 10_000 }, (err) => {
      if (err) {
        errors++;
        firstError ??= `${grpc.status[err.code]}: ${err.details}`;
      }
    });
  };

  return new Promise((resolve) => {
    const tick = (): void => {
      const now = performance.now() - origin;
      while (next <= now && next < endMs) {
        call();
        if (next >= o.warmupMs) {
          started++;
          lagUs.recordValue(Math.round((performance.now() - origin - next) * 1000));
        }
        next += rng.exponential(meanGapMs);
      }
      if (now >= nextSecondMs) {
        perSecond.push(lagUs.getValueAtPercentile(99) / 1000);
        lagUs.reset();
        nextSecondMs += 1000;
      }
      if (now >= endMs) {
        client.close();
        resolve({
          rate: o.rate,
          startedRate: started / o.seconds,
          errors,
          firstError,
          lagP99MedianMs: round(median(perSecond), 3),
          lagP99WorstMs: round(Math.max(...perSecond), 3),
        });
        return;
      }
      setTimeout(tick, Math.max(0, Math.min(next, nextSecondMs) - (performance.now() - origin)));
    };
    tick();
  });
}

try {
  const result = await measure(parseOptions(process.argv[2]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`bare-open-loop: ${(err as Error).message.split('\n')[0]}\n`);
  process.exit(2);
}
