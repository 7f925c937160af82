// A signal to a pod's whole process group (every pod is spawned as a group leader), or to the
// process alone when the group is gone. Used by the kubelet and by the watchdog process, which
// imports nothing else so that it starts fast and depends on nothing that could fail.
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
