// The machine a figure came from: a benchmark result means little without it.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  kernel: string;
  /** 1-minute load average when the run started: a busy machine explains a slow figure. */
  loadAverage: number;
  /** Share of the last 10 s in which some runnable task waited for a CPU (Linux PSI), percent;
   *  null where /proc/pressure is not available. Above a few percent, neighbours are competing. */
  cpuPressurePct: number | null;
}

/** The 1-minute load average, two decimals. */
export function loadAverage(): number {
  return Math.round(os.loadavg()[0] * 100) / 100;
}

export function cpuPressurePct(): number | null {
  try {
    const m = /^some avg10=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    loadAverage: loadAverage(),
    cpuPressurePct: cpuPressurePct(),
  };
}

/** Two results can be merged into one file only if they came from the same kind of machine. */
export function sameMachine(a: Machine, b: Machine): boolean {
  return a.cores === b.cores && a.cpuModel === b.cpuModel && a.memoryGiB === b.memoryGiB && a.node === b.node;
}
