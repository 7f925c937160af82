// The machine's own timer lag: a Node process that does nothing but wake on setTimeout at Poisson
// arrivals (like A's generator, without the calls) and records how late each wake-up is. No
// open-loop generator in Node can keep its schedule better than this on the same machine, so it
// is the floor under A's schedule lag.
//
// Usage: node dist/bench/timer-baseline.js '{"rate":1000,"seconds":5}'   prints one JSON line.
import hdr from 'hdr-histogram-js';
import { Rng } from '../services/shared/rng.js';
import { median } from './lib/numbers.js';

function parse(raw: string | undefined): { rate: number; seconds: number } {
  const o = JSON.parse(raw ?? '') as { rate?: unknown; seconds?: unknown };
  if (typeof o.rate !== 'number' || !(o.rate > 0)) throw new Error('rate must be a number > 0');
  if (!Number.isInteger(o.seconds) || (o.seconds as number) < 1) throw new Error('seconds must be a whole number >= 1');
  return { rate: o.rate, seconds: o.seconds as number };
}

function measure(rate: number, seconds: number): Promise<{ lagP99MedianMs: number; lagP99WorstMs: number; lagMaxMs: number }> {
  const rng = new Rng(7);
  const lagUs = hdr.build({ numberOfSignificantValueDigits: 3 });
  const perSecond: number[] = [];
  let max = 0;
  const origin = performance.now();
  let next = rng.exponential(1000 / rate);
  let second = 1;
  return new Promise((resolve) => {
    const tick = (): void => {
      const now = performance.now() - origin;
      while (next <= now) {
        const lag = performance.now() - origin - next;
        lagUs.recordValue(Math.round(lag * 1000));
        max = Math.max(max, lag);
        next += rng.exponential(1000 / rate);
      }
      if (now >= second * 1000) {
        perSecond.push(lagUs.getValueAtPercentile(99) / 1000);
        lagUs.reset();
        second++;
      }
      if (second > seconds) {
        resolve({ lagP99MedianMs: median(perSecond), lagP99WorstMs: Math.max(...perSecond), lagMaxMs: Math.round(max * 1000) / 1000 });
        return;
      }
      setTimeout(tick, Math.max(0, Math.min(next, second * 1000) - (performance.now() - origin)));
    };
    tick();
  });
}

try {
  const { rate, seconds } = parse(process.argv[2]);
  process.stdout.write(`${JSON.stringify(await measure(rate, seconds))}\n`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`timer-baseline: ${(err as Error).message.split('\n')[0]}\n`);
  process.exit(2);
}
