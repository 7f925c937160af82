// The local platform's record of a failed run, written for a person: what each pod wrote (its
// last lines, including the kubelet's notes on exits and restarts), the event log, and the
// objects as they were applied. The same three things `kubectl logs`, `kubectl get events` and
// `kubectl get -o yaml` give on a cluster.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { LabEvent } from '../../model/events.js';
import type { K8sObject } from '../../model/k8s.js';
import type { LogTail } from './log-tail.js';

export interface LocalRecord {
  objects: K8sObject[];
  podLogs: Map<string, LogTail>;
  events: LabEvent[];
}

export async function writeLocalLogs(dir: string, record: LocalRecord): Promise<string[]> {
  await mkdir(path.join(dir, 'pods'), { recursive: true });
  const files: Array<[string, string]> = [
    ...[...record.podLogs].map(([pod, tail]): [string, string] => [path.join('pods', `${pod}.log`), tail.get().join('\n')]),
    ['events.jsonl', record.events.map((e) => JSON.stringify(e)).join('\n')],
    ['objects.yaml', record.objects.map((o) => stringify(o)).join('---\n')],
  ];
  for (const [name, text] of files) await writeFile(path.join(dir, name), text === '' ? '' : `${text}\n`);
  return files.map(([name]) => path.join(dir, name));
}
