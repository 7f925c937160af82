// The cluster platform's record of a failed run, from the API server before the namespace goes:
// `kubectl logs` of every pod (and of the container before its last restart, when there was one),
// the namespace's events, and every object the lab created. A command that fails leaves a note in
// its file instead of ending the collection: the rest is still worth reading.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as kubectl from './kubectl.js';
import type { CommandRunner } from './runner.js';
import type { Target } from './safety.js';

async function output(runner: CommandRunner, argv: string[]): Promise<{ ok: boolean; text: string }> {
  try {
    return { ok: true, text: await runner.run(argv, { timeoutMs: 30_000 }) };
  } catch (err) {
    return { ok: false, text: `# ${argv.join(' ')}: ${(err as Error).message}` };
  }
}

export async function writeClusterLogs(dir: string, target: Target, pods: string[], runner: CommandRunner): Promise<string[]> {
  await mkdir(path.join(dir, 'pods'), { recursive: true });
  const written: string[] = [];
  const write = async (name: string, text: string): Promise<void> => {
    const file = path.join(dir, name);
    await writeFile(file, text.endsWith('\n') || text === '' ? text : `${text}\n`);
    written.push(file);
  };
  for (const pod of pods) {
    await write(path.join('pods', `${pod}.log`), (await output(runner, kubectl.logs(target, pod))).text);
    // Most pods never restarted: only a container that did has a previous log worth a file.
    const previous = await output(runner, kubectl.logs(target, pod, true));
    if (previous.ok) await write(path.join('pods', `${pod}.previous.log`), previous.text);
  }
  await write('events.yaml', (await output(runner, kubectl.getEvents(target))).text);
  await write('objects.yaml', (await output(runner, kubectl.getObjects(target))).text);
  return written;
}
