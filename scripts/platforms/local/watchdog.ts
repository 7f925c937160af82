// The lab's orphan watchdog, run as its own small process (node dist/.../watchdog.js). Pods are
// spawned in their own process groups (so a Ctrl-C in the terminal reaches only the orchestrator,
// which tears them down in order), and that means they would outlive an orchestrator that dies
// abruptly (SIGKILL, a crash in native code). The orchestrator tells this process which pods it
// started ("+PID" / "-PID" lines on stdin); when stdin ends, the orchestrator is gone, however it
// died, and the watchdog SIGKILLs every process group still listed, removes the lab's temporary
// directory (argv[2]), then exits.
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { signalGroup } from './signal-group.js';
import { WORK_DIR_PREFIX } from './work-dir.js';

/** Only ever a directory the lab made for itself. */
const workDir = process.argv[2];
const ownsWorkDir = workDir !== undefined && path.dirname(workDir) === os.tmpdir() && path.basename(workDir).startsWith(WORK_DIR_PREFIX);

const pids = new Set<number>();

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const pid = Number(line.slice(1));
  if (!Number.isInteger(pid) || pid <= 1) return;
  if (line.startsWith('+')) pids.add(pid);
  else if (line.startsWith('-')) pids.delete(pid);
});
lines.on('close', () => {
  for (const pid of pids) signalGroup(pid, 'SIGKILL');
  if (ownsWorkDir) rmSync(workDir, { recursive: true, force: true });
  process.exit(0);
});
