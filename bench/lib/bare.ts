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

export interface BareOpenLoopOptions {
  target: string;
  rate: number;
  warmupMs: number;
  /** Whole seconds measured after the warm-up. */
  seconds: number;
  lbPolicy: 'pick_first' | 'round_robin';
}

export interface BareOpenLoopResult {
  rate: number;
  /** Calls started per second in the measured seconds. */
  startedRate: number;
  errors: number;
  firstError?: string;
  /** Per-second lag p99, as A reports it: the median second and the worst. */
  lagP99MedianMs: number;
  lagP99WorstMs: number;
}

/** The open-loop reference client (bench/bare-open-loop.ts) at one rate. */
export async function runBareOpenLoop(options: BareOpenLoopOptions, spawnOpts: SpawnOptions = {}): Promise<BareOpenLoopResult> {
  const child = spawnNode(`bare-open-loop ${options.rate}/s`, 'bench/bare-open-loop.js', { ...spawnOpts, args: [JSON.stringify(options)] });
  await succeeded(child);
  return JSON.parse(child.stdout().trim().split('\n').pop() ?? '') as BareOpenLoopResult;
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
