// What an overlay changed relative to another rendering, one readable line per change, so a test
// can assert that a component changes exactly what it should and nothing else.
import type { K8sObject } from '../../scripts/model/k8s.js';

type Flat = Map<string, string>;

const idOf = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;

/** Lists keyed by `name` (containers, env, ports, volumes) are addressed by name, others by index. */
function flatten(value: unknown, prefix: string, out: Flat): Flat {
  if (Array.isArray(value)) {
    const named = value.every((v) => typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string');
    value.forEach((v, i) => flatten(v, `${prefix}[${named ? (v as { name: string }).name : i}]`, out));
    if (value.length === 0) out.set(prefix, '[]');
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

/** `+ Kind/name`, `- Kind/name`, or `~ Kind/name path: before -> after`, sorted. */
export function manifestDiff(before: K8sObject[], after: K8sObject[]): string[] {
  const was = new Map(before.map((o) => [idOf(o), o]));
  const now = new Map(after.map((o) => [idOf(o), o]));
  const lines: string[] = [];
  for (const id of was.keys()) if (!now.has(id)) lines.push(`- ${id}`);
  for (const [id, obj] of now) {
    const old = was.get(id);
    if (!old) {
      lines.push(`+ ${id}`);
      continue;
    }
    const a = flatten(old, '', new Map());
    const b = flatten(obj, '', new Map());
    for (const path of new Set([...a.keys(), ...b.keys()])) {
      if (a.get(path) !== b.get(path)) lines.push(`~ ${id} ${path}: ${a.get(path) ?? '(none)'} -> ${b.get(path) ?? '(none)'}`);
    }
  }
  return lines.sort();
}
