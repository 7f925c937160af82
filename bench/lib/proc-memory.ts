// Memory of a whole process tree (the orchestrator and every process it started, pods included),
// read from /proc (Linux): the sum of VmRSS over the tree, sampled on an interval, keeping the peak.
// Shared pages (Node's binary, mapped once per process) count once per process, as RSS does.
import { readdirSync, readFileSync } from 'node:fs';

/** Every descendant of `root`, and `root` itself, found through /proc/PID/task/TID/children. */
export function processTree(root: number): number[] {
  const seen: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // exited between two reads
    }
    seen.push(pid);
    for (const tid of tasks) {
      const children = readOr(`/proc/${pid}/task/${tid}/children`, '');
      for (const child of children.split(' ')) if (child.trim() !== '') pending.push(Number(child));
    }
  }
  return seen;
}

/** VmRSS of one process in bytes; 0 when it has exited (or is a zombie without memory). */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readOr(`/proc/${pid}/status`, ''));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Proportional set size in bytes: shared pages split between the processes sharing them, so a
 *  sum over processes counts Node's own binary once. Costlier to read than RSS: sample it rarely. */
export function pssBytes(pid: number): number {
  const m = /^Pss:\s+(\d+)\s+kB/m.exec(readOr(`/proc/${pid}/smaps_rollup`, ''));
  return m ? Number(m[1]) * 1024 : 0;
}

export function treePssBytes(root: number): number {
  return processTree(root).reduce((s, pid) => s + pssBytes(pid), 0);
}

export interface TreeSample {
  bytes: number;
  processes: number;
}

export function sampleTree(root: number): TreeSample {
  const pids = processTree(root);
  return { bytes: pids.reduce((s, pid) => s + rssBytes(pid), 0), processes: pids.length };
}

export interface MemoryPeak {
  peakBytes: number;
  /** Processes in the tree when the peak was taken. */
  peakProcesses: number;
  maxProcesses: number;
  samples: number;
}

/** Samples the tree under `root` every `intervalMs` until stop(). */
export class TreeMemorySampler {
  private readonly timer: NodeJS.Timeout;
  private peak: MemoryPeak = { peakBytes: 0, peakProcesses: 0, maxProcesses: 0, samples: 0 };

  constructor(
    private readonly root: number,
    intervalMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): MemoryPeak {
    clearInterval(this.timer);
    this.sample();
    return { ...this.peak };
  }

  private sample(): void {
    const s = sampleTree(this.root);
    const p = this.peak;
    p.samples++;
    p.maxProcesses = Math.max(p.maxProcesses, s.processes);
    if (s.bytes > p.peakBytes) {
      p.peakBytes = s.bytes;
      p.peakProcesses = s.processes;
    }
  }
}

export function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
