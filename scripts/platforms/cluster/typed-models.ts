// Checks rendered objects against @kubernetes/client-node's typed models, offline: deserializing
// into the model drops every field the model does not know, so a round trip that loses a field
// names a typo (`terminationGracePeriodSecond`) before a cluster ever sees it.
import * as k8s from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import type { K8sObject } from '../../model/k8s.js';

/** "apps/v1" + "Deployment" -> "V1Deployment"; "autoscaling/v2" + "HorizontalPodAutoscaler" -> "V2HorizontalPodAutoscaler". */
export function modelName(obj: Pick<K8sObject, 'apiVersion' | 'kind'>): string {
  const version = obj.apiVersion.split('/').pop() ?? '';
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${obj.kind}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Paths where `after` differs from `before`: fields lost, changed or added by the round trip. */
export function fieldDifferences(before: unknown, after: unknown, path = ''): string[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) => fieldDifferences(before[i], after[i], `${path}[${i}]`)).flat();
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((k) => fieldDifferences(before[k], after[k], path === '' ? k : `${path}.${k}`));
  }
  return Object.is(before, after) ? [] : [path];
}

/** One line per field the typed model would lose or change; empty when the object is clean. */
export function typedModelProblems(obj: K8sObject): string[] {
  const model = modelName(obj);
  const who = `${obj.kind}/${obj.metadata?.name ?? '?'}`;
  if (!(model in k8s)) return [`${who}: client-node has no typed model ${model} for ${obj.apiVersion}`];
  const typed: unknown = ObjectSerializer.deserialize(obj, model, '');
  const back: unknown = ObjectSerializer.serialize(typed, model, '');
  return fieldDifferences(obj, back).map((path) => `${who}: ${path} is not a field of ${model} (or not of its type)`);
}
