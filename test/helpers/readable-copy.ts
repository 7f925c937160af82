// A copy of a folder that any user can read: tests that drop to an unprivileged user to check a
// script's "run as root" refusal must not depend on where the checkout lives (a fresh clone in a
// private temporary directory is unreadable to that user, and the shell would fail with 126).
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Copies DIR into a new world-readable temporary folder; returns the copy and its clean-up. */
export function readableCopy(dir: string): { dir: string; remove: () => void } {
  const parent = readableParent();
  const copy = path.join(parent, path.basename(dir));
  cpSync(dir, copy, { recursive: true });
  return { dir: copy, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/**
 * The parts of the checkout the lab needs to run (ENTRIES), hard-linked into a world-readable
 * temporary folder: quick even for node_modules, and usable by an unprivileged user wherever the
 * checkout lives. Falls back to a plain copy across file systems.
 */
export function readableProject(root: string, entries: string[]): { dir: string; remove: () => void } {
  const parent = readableParent();
  const copy = path.join(parent, 'project');
  mkdirSync(copy);
  chmodSync(copy, 0o755);
  for (const entry of entries) {
    try {
      execFileSync('cp', ['-al', path.join(root, entry), copy], { stdio: 'ignore' });
    } catch {
      cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
    }
  }
  return { dir: copy, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/** A new temporary folder every user can enter. */
function readableParent(): string {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'grpc-lab-readable-'));
  chmodSync(parent, 0o755);
  return parent;
}
