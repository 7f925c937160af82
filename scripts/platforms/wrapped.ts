// A Platform that hands every call to another one: a wrapper extends it and overrides only what it
// changes (the scale benchmark sets a replica count on the way to up(); a test runs the local
// platform under another name and traits).
import type { LabEvent } from '../model/events.js';
import type { K8sObject, PodInfo } from '../model/k8s.js';
import type { ClusterInfo, PlatformTraits } from '../model/traits.js';
import type { Platform } from './platform.js';

export class WrappedPlatform implements Platform {
  readonly name: string;
  readonly info: PlatformTraits;

  constructor(protected readonly inner: Platform) {
    this.name = inner.name;
    this.info = inner.info;
  }

  up(objects: K8sObject[], timeoutMs?: number): Promise<void> {
    return this.inner.up(objects, timeoutMs);
  }
  rolloutRestart(deployment: string): Promise<void> {
    return this.inner.rolloutRestart(deployment);
  }
  waitForRollout(deployment: string, timeoutMs?: number): Promise<void> {
    return this.inner.waitForRollout(deployment, timeoutMs);
  }
  scale(deployment: string, replicas: number): Promise<void> {
    return this.inner.scale(deployment, replicas);
  }
  pods(): Promise<PodInfo[]> {
    return this.inner.pods();
  }
  onEvent(listener: (event: LabEvent) => void): () => void {
    return this.inner.onEvent(listener);
  }
  events(): LabEvent[] {
    return this.inner.events();
  }
  httpGet(pod: string, port: number, path: string): Promise<string> {
    return this.inner.httpGet(pod, port, path);
  }
  clusterInfo(): Promise<ClusterInfo> {
    return this.inner.clusterInfo();
  }
  collectLogs(dir: string): Promise<string[]> {
    return this.inner.collectLogs(dir);
  }
  down(): Promise<void> {
    return this.inner.down();
  }
}
