// The reference client: the least code that drives lab.v1.Backend/Work with grpc-js. CONCURRENCY
// loops, each starting its next unary call as soon as the previous one answers (closed loop), on
// one channel. Whatever A does beyond this (schedule, accounting, buckets) is A's overhead.
//
// Usage: node dist/bench/bare-client.js '{"target":"ipv4:127.0.0.1:50051","concurrency":32,
//          "warmupMs":1000,"durationMs":3000,"lbPolicy":"pick_first"}'
// Prints one JSON line (BareResult) and exits 0; bad input is one line on stderr and exit 2.
import * as grpc from '@grpc/grpc-js';
import hdr from 'hdr-histogram-js';
import { loadLabProto } from '../services/shared/proto.js';
import type { BareOptions, BareResult } from './lib/bare.js';

function parseOptions(raw: string | undefined): BareOptions {
  const o = JSON.parse(raw ?? '') as Partial<BareOptions>;
  const wholes = ['concurrency', 'warmupMs', 'durationMs'] as const;
  for (const k of wholes) if (!Number.isInteger(o[k]) || (o[k] as number) < (k === 'concurrency' ? 1 : 0)) throw new Error(`${k} must be a whole number`);
  if (typeof o.target !== 'string' || o.target === '') throw new Error('target is missing');
  return { lbPolicy: 'pick_first', ...o } as BareOptions;
}

async function measure(o: BareOptions): Promise<BareResult> {
  const { BackendClient } = loadLabProto();
  const client = new BackendClient(o.target, grpc.credentials.createInsecure(), {
    'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ [o.lbPolicy]: {} }] }),
  });
  const metadata = new grpc.Metadata();
  const latencyUs = hdr.build({ numberOfSignificantValueDigits: 3 });
  let measuring = false;
  let running = true;
  let calls = 0;
  let errors = 0;
  let firstError: string | undefined;
  let seq = 0;

  const loop = (): void => {
    const start = performance.now();
    client.Work({ callId: `bare-${++seq}`, payloadSize: 0 }, metadata, { deadline: Date.now() + 10_000 }, (err) => {
      if (measuring) {
        calls++;
        latencyUs.recordValue(Math.round((performance.now() - start) * 1000));
        if (err) {
          errors++;
          firstError ??= `${grpc.status[err.code]}: ${err.details}`;
        }
      }
      if (running) loop();
    });
  };
  for (let i = 0; i < o.concurrency; i++) loop();

  await new Promise((resolve) => setTimeout(resolve, o.warmupMs));
  measuring = true;
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, o.durationMs));
  measuring = false;
  const elapsedMs = performance.now() - t0;
  running = false;
  client.close();
  return {
    concurrency: o.concurrency,
    calls,
    errors,
    firstError,
    elapsedMs: Math.round(elapsedMs),
    callsPerSec: Math.round((calls / elapsedMs) * 1000),
    p50Us: latencyUs.getValueAtPercentile(50),
    p99Us: latencyUs.getValueAtPercentile(99),
    maxUs: latencyUs.maxValue,
  };
}

try {
  const result = await measure(parseOptions(process.argv[2]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`bare-client: ${(err as Error).message.split('\n')[0]}\n`);
  process.exit(2);
}
