// ConfigMap volumes, materialised per pod in the lab's temporary directory, the way the kubelet
// projects a ConfigMap into a pod's filesystem. Pods see host paths, not container paths, so the
// platform translates a container path (e.g. HAProxy's -f argument) into the file it wrote.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PlatformError } from '../platform.js';
import type { ConfigMapSpec } from './objects.js';
import type { PodTemplate, Volume, VolumeMount } from './pod-template.js';

interface Mounted {
  mountPath: string;
  hostPath: string;
}

export class PodFiles {
  private constructor(private readonly mounts: Mounted[]) {}

  /** Writes every ConfigMap volume of the template under dir and records where each is mounted. */
  static materialise(dir: string, template: PodTemplate, configMaps: ConfigMapSpec[], namespace: string): PodFiles {
    const written = new Map<string, string>();
    for (const volume of template.volumes) {
      if (volume.kind !== 'configMap') continue;
      const volumeDir = path.join(dir, 'volumes', volume.name);
      writeConfigMap(volumeDir, volume, configMaps.find((c) => c.name === volume.configMap && c.namespace === namespace));
      written.set(volume.name, volumeDir);
    }
    const mounts = template.container.volumeMounts.flatMap((m) => mountOf(m, written.get(m.volume)));
    return new PodFiles(mounts);
  }

  /** The host file behind a container path, or undefined when no ConfigMap volume holds it. */
  hostPath(containerPath: string): string | undefined {
    const wanted = path.posix.normalize(containerPath);
    const best = this.mounts
      .filter((m) => wanted === m.mountPath || wanted.startsWith(`${m.mountPath}/`))
      .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    return best && path.join(best.hostPath, path.posix.relative(best.mountPath, wanted));
  }
}

function writeConfigMap(dir: string, volume: Extract<Volume, { kind: 'configMap' }>, cm: ConfigMapSpec | undefined): void {
  if (!cm) throw new PlatformError(`volume ${volume.name}: ConfigMap ${volume.configMap} not found`);
  mkdirSync(dir, { recursive: true });
  const items = volume.items ?? Object.keys(cm.data).map((key) => ({ key, path: key }));
  for (const item of items) {
    const file = path.join(dir, item.path);
    if (!file.startsWith(dir + path.sep)) throw new PlatformError(`volume ${volume.name}: item path ${item.path} leaves the volume`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, cm.data[item.key] ?? '');
  }
}

function mountOf(m: VolumeMount, volumeDir: string | undefined): Mounted[] {
  if (volumeDir === undefined) return []; // an emptyDir: nothing any pod process reads
  const mountPath = path.posix.normalize(m.mountPath).replace(/(.)\/$/, '$1');
  return [{ mountPath, hostPath: m.subPath ? path.join(volumeDir, m.subPath) : volumeDir }];
}
