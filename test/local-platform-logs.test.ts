// What the local platform keeps for a person when a run failed: each pod's last lines, the event
// log and the objects as applied, readable before the tear-down and after it (a failed up() tears
// itself down before the runner can ask).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { LabEvent } from '../scripts/model/events.js';
import { LocalPlatform } from '../scripts/platforms/local/local-platform.js';
import { namespace, service, serviceB } from './fixtures/local/objects.js';
import { testOctet } from './helpers/octets.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lab-local-logs-'));
  dirs.push(dir);
  return dir;
}

const read = (dir: string, name: string): Promise<string> => readFile(path.join(dir, name), 'utf8');

describe('LocalPlatform.collectLogs', () => {
  it('writes each pod\'s log, the events and the objects, before and after down()', async () => {
    const platform = new LocalPlatform({ octet: testOctet(), seed: 5 });
    const objects = [namespace(), serviceB({ replicas: 2 }), service('service-b', 'service-b')];
    expect(await platform.collectLogs(await tempDir())).toEqual([]);
    await platform.up(objects);
    const pods = (await platform.pods()).map((p) => p.name).sort();
    const before = await tempDir();
    let files: string[];
    try {
      files = await platform.collectLogs(before);
    } finally {
      await platform.down();
    }
    expect(files.map((f) => path.relative(before, f)).sort()).toEqual([...pods.map((p) => `pods/${p}.log`), 'events.jsonl', 'objects.yaml'].sort());
    for (const pod of pods) expect(await read(before, `pods/${pod}.log`)).toMatch(/"event":"ready"/);
    const events = (await read(before, 'events.jsonl')).trim().split('\n').map((l) => JSON.parse(l) as LabEvent);
    expect(events.filter((e) => e.type === 'pod-ready').map((e) => e.pod).sort()).toEqual(pods);
    const applied = parseAllDocuments(await read(before, 'objects.yaml')).map((d) => d.toJS() as { kind: string });
    expect(applied.map((o) => o.kind)).toEqual(objects.map((o) => o.kind));

    // After the tear-down the record is still there, now with how each pod ended.
    const after = await tempDir();
    await platform.collectLogs(after);
    for (const pod of pods) expect(await read(after, `pods/${pod}.log`)).toMatch(/\[kubelet\] container \d+ ended: /);
  });

  it('still has the logs of an up() that failed and tore itself down', async () => {
    const platform = new LocalPlatform({ octet: testOctet() });
    const wrongProbe = serviceB({ readinessProbe: { grpc: { port: 50052 }, periodSeconds: 1 } });
    await expect(platform.up([namespace(), wrongProbe], 4000)).rejects.toThrow(/did not roll out/);
    const dir = await tempDir();
    const files = await platform.collectLogs(dir);
    const podLog = files.find((f) => f.includes(`${path.sep}pods${path.sep}`))!;
    expect(await readFile(podLog, 'utf8')).toMatch(/"event":"listening"/);
    expect(await read(dir, 'events.jsonl')).toContain('"type":"pod-created"');
  });
});
