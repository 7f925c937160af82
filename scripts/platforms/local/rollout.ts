// The arithmetic of a Deployment's ReplicaSets, as the deployment controller does it in
// rolloutRolling (pkg/controller/deployment/rolling.go), for one reconcile step:
// - scale the new ReplicaSet up while the pods that are not terminating stay within
//   replicas + maxSurge;
// - scale the old ones down while the ready pods stay at or above replicas - maxUnavailable,
//   unhealthy (not ready) old pods first, since they count for nothing;
// - with no old pods left, plain ReplicaSet scaling.
// Which pods go is the ReplicaSet controller's choice: not ready before ready, then the newest.
// Terminating pods are not passed in: they no longer count, as in Kubernetes.

export interface PodView {
  name: string;
  hash: string;
  ready: boolean;
  createdAt: number;
}

export interface Fenceposts {
  surge: number;
  unavailable: number;
}

export interface Step {
  /** New pods (of the current template) to create. */
  create: number;
  /** Pods to delete. */
  remove: string[];
}

export function planStep(pods: PodView[], hash: string, replicas: number, fence: Fenceposts): Step {
  const current = pods.filter((p) => p.hash === hash);
  const old = pods.filter((p) => p.hash !== hash);
  if (old.length === 0) {
    const diff = replicas - current.length;
    return diff >= 0 ? { create: diff, remove: [] } : { create: 0, remove: deletionOrder(current).slice(0, -diff).map((p) => p.name) };
  }
  const create = Math.max(0, Math.min(replicas + fence.surge - pods.length, replicas - current.length));
  const extraNew = current.length > replicas ? deletionOrder(current).slice(0, current.length - replicas) : [];
  const kept = pods.filter((p) => !extraNew.includes(p));
  const minAvailable = replicas - fence.unavailable;
  const newPods = current.length - extraNew.length + create;
  const newUnavailable = newPods - current.filter((p) => p.ready && !extraNew.includes(p)).length;
  const maxScaledDown = kept.length + create - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return { create, remove: extraNew.map((p) => p.name) };
  const unhealthyOld = deletionOrder(old.filter((p) => !p.ready)).slice(0, maxScaledDown);
  const available = kept.filter((p) => p.ready).length;
  const healthyOld = deletionOrder(old.filter((p) => p.ready)).slice(0, Math.max(0, available - minAvailable));
  return { create, remove: [...extraNew, ...unhealthyOld, ...healthyOld].map((p) => p.name) };
}

/** kubectl rollout status's "successfully rolled out": only current pods, all of them ready. */
export function isRolledOut(pods: PodView[], hash: string, replicas: number): boolean {
  return pods.length === replicas && pods.every((p) => p.hash === hash && p.ready);
}

/** The ReplicaSet controller's preference when scaling down: not ready first, then the newest. */
export function deletionOrder<T extends PodView>(pods: T[]): T[] {
  return [...pods].sort((a, b) => Number(a.ready) - Number(b.ready) || b.createdAt - a.createdAt || a.name.localeCompare(b.name));
}
