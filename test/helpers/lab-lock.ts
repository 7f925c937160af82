// One lab at a time across test files: vitest runs two files at once, and two labs of 300 calls/s
// each on 2 cores would measure each other instead of the scenario.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { alive } from '../fixtures/local/events.js';

const LOCK = path.join(os.tmpdir(), 'grpc-k8s-lab-round-test.lock');

/** When this process last released the lock: it lets waiters of other files go first. */
let releasedAt = 0;

/** Runs `run` while holding the lock. mkdir is atomic; a lock whose owner died is taken over. */
export async function oneLabAtATime<T>(run: () => Promise<T>): Promise<T> {
  // Waiters poll every 250 ms: a file that just finished a variant steps back for a second so it
  // cannot run all its variants while another file's test times out waiting.
  const sinceRelease = Date.now() - releasedAt;
  if (sinceRelease < 1000) await sleep(1000 - sinceRelease);
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
    releasedAt = Date.now();
  }
}
