// The machine a figure came from: a benchmark result means little without it.
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
    loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

/** Two results can be merged into one file only if they came from the same kind of machine. */
export function sameMachine(a: Machine, b: Machine): boolean {
  return a.cores === b.cores && a.cpuModel === b.cpuModel && a.memoryGiB === b.memoryGiB && a.node === b.node;
}
