// Runs the reference client (bench/bare-client.ts) as a child process and reads its one JSON line.
import { spawnNode, succeeded, type SpawnOptions } from './processes.js';

export interface BareOptions {
  target: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  lbPolicy: 'pick_first' | 'round_robin';
}

export interface BareResult {
  concurrency: number;
  calls: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  callsPerSec: number;
  /** Latency of the calls completed in the measured window, microseconds. */
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

export async function runBare(options: BareOptions, spawnOpts: SpawnOptions = {}): Promise<BareResult> {
  const child = spawnNode(`bare-client c=${options.concurrency}`, 'bench/bare-client.js', { ...spawnOpts, args: [JSON.stringify(options)] });
  await succeeded(child);
  const result = JSON.parse(child.stdout().trim().split('\n').pop() ?? '') as BareResult;
  return result;
}

export interface TimerLag {
  lagP99MedianMs: number;
  lagP99WorstMs: number;
  lagMaxMs: number;
}

/** The machine's timer lag at a rate (bench/timer-baseline.ts), as a child process like A. */
export async function runTimerBaseline(rate: number, seconds: number): Promise<TimerLag> {
  const child = spawnNode(`timer-baseline ${rate}/s`, 'bench/timer-baseline.js', { args: [JSON.stringify({ rate, seconds })] });
  await succeeded(child);
  return JSON.parse(child.stdout().trim().split('\n').pop() ?? '') as TimerLag;
}
