// One lab at a time across test files: vitest runs two files at once, and two labs of 300 calls/s
// each on 2 cores would measure each other instead of the scenario.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK = path.join(os.tmpdir(), 'grpc-k8s-lab-round-test.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `run` while holding the lock. mkdir is atomic; a lock whose owner died is taken over. */
export async function oneLabAtATime<T>(run: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      const owner = Number(await readFile(path.join(LOCK, 'pid'), 'utf8').catch(() => ''));
      if (owner && !alive(owner)) await rm(LOCK, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    await writeFile(path.join(LOCK, 'pid'), String(process.pid));
    return await run();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}
