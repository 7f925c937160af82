// Runs the reference programs (bench/bare-client.ts, bare-open-loop.ts, timer-baseline.ts) as
// child processes, each given its options as one JSON argument, and reads their one JSON line.
import { spawnNode, succeeded, type SpawnOptions } from './processes.js';

/** `node dist/<file> '<options as JSON>'`; resolves with the JSON line it printed last. */
async function runJsonChild<T>(name: string, file: string, options: object, spawnOpts: SpawnOptions = {}): Promise<T> {
  const child = spawnNode(name, file, { ...spawnOpts, args: [JSON.stringify(options)] });
  await succeeded(child);
  return JSON.parse(child.stdout().trim().split('\n').pop() ?? '') as T;
}

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

export function runBare(options: BareOptions, spawnOpts: SpawnOptions = {}): Promise<BareResult> {
  return runJsonChild(`bare-client c=${options.concurrency}`, 'bench/bare-client.js', options, spawnOpts);
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
export function runBareOpenLoop(options: BareOpenLoopOptions, spawnOpts: SpawnOptions = {}): Promise<BareOpenLoopResult> {
  return runJsonChild(`bare-open-loop ${options.rate}/s`, 'bench/bare-open-loop.js', options, spawnOpts);
}

export interface TimerLag {
  lagP99MedianMs: number;
  lagP99WorstMs: number;
  lagMaxMs: number;
}

/** The machine's timer lag at a rate (bench/timer-baseline.ts), as a child process like A. */
export function runTimerBaseline(rate: number, seconds: number): Promise<TimerLag> {
  return runJsonChild(`timer-baseline ${rate}/s`, 'bench/timer-baseline.js', { rate, seconds });
}
