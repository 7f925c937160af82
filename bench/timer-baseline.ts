// The machine's own timer lag: A's timer loop on A's Poisson schedule with nothing to do at each
// arrival, recording how late each wake-up is. No open-loop generator in Node can keep its
// schedule better than this on the same machine, so it is the floor under A's schedule lag.
//
// Usage: node dist/bench/timer-baseline.js '{"rate":1000,"seconds":5}'   prints one JSON line.
import { runScheduleLoop } from './lib/schedule-loop.js';
import { median, round } from './lib/numbers.js';

function parse(raw: string | undefined): { rate: number; seconds: number } {
  const o = JSON.parse(raw ?? '') as { rate?: unknown; seconds?: unknown };
  if (typeof o.rate !== 'number' || !(o.rate > 0)) throw new Error('rate must be a number > 0');
  if (!Number.isInteger(o.seconds) || (o.seconds as number) < 1) throw new Error('seconds must be a whole number >= 1');
  return { rate: o.rate, seconds: o.seconds as number };
}

async function measure(rate: number, seconds: number): Promise<{ lagP99MedianMs: number; lagP99WorstMs: number; lagMaxMs: number }> {
  const r = await runScheduleLoop({ rate, seed: 7, warmupMs: 0, seconds });
  return { lagP99MedianMs: median(r.lagP99PerSecondMs), lagP99WorstMs: Math.max(...r.lagP99PerSecondMs), lagMaxMs: round(r.lagMaxMs, 3) };
}

try {
  const { rate, seconds } = parse(process.argv[2]);
  process.stdout.write(`${JSON.stringify(await measure(rate, seconds))}\n`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`timer-baseline: ${(err as Error).message.split('\n')[0]}\n`);
  process.exit(2);
}
