// The local lab's temporary directory, under TMPDIR (os.tmpdir()): each pod's ConfigMap files and
// HAProxy's config live there. A missing, read-only or full TMPDIR is the machine's problem, so it
// is one PlatformError line naming TMPDIR, never a raw ENOENT from deep inside a start-up.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PlatformError } from '../platform.js';

/** The watchdog removes a directory only under this exact prefix (watchdog.ts). */
export const WORK_DIR_PREFIX = 'grpc-lab-local-';

/** What the check writes: about the size of a pod's files (a ConfigMap, HAProxy's config). */
const PROBE_BYTES = 64 * 1024;

function tempDirError(err: unknown): PlatformError {
  const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new PlatformError(`TMPDIR ${os.tmpdir()} is not usable (${code}): the local platform keeps its pods' files there; set TMPDIR to a writable directory`);
}

/** A new work directory under TMPDIR; PlatformError when TMPDIR cannot hold one. */
export function makeWorkDir(): string {
  try {
    return mkdtempSync(path.join(os.tmpdir(), WORK_DIR_PREFIX));
  } catch (err) {
    throw tempDirError(err);
  }
}

/** Whether TMPDIR takes a directory and a file of a pod's size; the problem line, or undefined. */
export function tempDirProblem(): string | undefined {
  let dir: string | undefined;
  try {
    dir = makeWorkDir();
    writeFileSync(path.join(dir, 'probe'), Buffer.alloc(PROBE_BYTES));
    return undefined;
  } catch (err) {
    return err instanceof PlatformError ? err.message : tempDirError(err).message;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
