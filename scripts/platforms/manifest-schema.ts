// Strict validation of rendered objects against the Kubernetes schema, the way
// `kubectl apply --validate=strict` and the API server judge them, before any platform starts
// anything: a field the schema does not have, or a value of the wrong type, is an error. The schema
// is @kubernetes/client-node's generated models (each class's attribute map: JSON name, type and
// format), walked alongside the object, so it follows the library's Kubernetes version.
import type { K8sObject } from '../model/k8s.js';
import { lookupKind, modelClass, type ModelAttribute } from './api-kinds.js';
import { ManifestError } from './manifest-error.js';

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

/**
 * Fields whose schema is resource.Quantity, which the generator flattens into `string`. The API
 * server also takes a JSON number there (`cpu: 1`), so these accept either; a string must still
 * parse as a quantity. Keyed by model and JSON name; a test checks each still exists.
 */
export const QUANTITY_FIELDS: ReadonlySet<string> = new Set([
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
  'V1EmptyDirVolumeSource.sizeLimit',
  'V1PodSpec.overhead',
  'V1Overhead.podFixed',
  'V1LimitRangeItem.default',
  'V1LimitRangeItem.defaultRequest',
  'V1LimitRangeItem.max',
  'V1LimitRangeItem.min',
  'V1LimitRangeItem.maxLimitRequestRatio',
  'V1ResourceQuotaSpec.hard',
  'V1PersistentVolumeSpec.capacity',
  'V1CSIStorageCapacity.capacity',
  'V1CSIStorageCapacity.maximumVolumeSize',
  'V2MetricTarget.averageValue',
  'V2MetricTarget.value',
]);

/** apimachinery's own pattern for a quantity's text (the API server quotes it when it refuses one). */
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return `the date ${value.toISOString()}`;
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const name = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return name === key ? (path ? `${path}.${key}` : key) : `${path}[${name}]`;
}

/** The closest known field name, when a typo is likely (at most two edits away). */
function suggestion(field: string, known: string[]): string {
  const distance = (a: string, b: string): number => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      row = next;
    }
    return row[b.length];
  };
  const best = known.map((k) => ({ k, d: distance(field, k) })).sort((x, y) => x.d - y.d)[0];
  return best !== undefined && best.d <= 2 ? ` (did you mean "${best.k}"?)` : '';
}

interface Slot {
  type: string;
  format: string;
  /** "V1PodSpec.overhead": the attribute this value belongs to, for the quantity fields. */
  owner: string;
}

/** Problems of `value` at `path` against one declared type; nothing when it fits. */
function check(value: unknown, slot: Slot, path: string, out: string[]): void {
  // JSON null is "not set" to the API server for every optional field.
  if (value === null || value === undefined) return;
  const { type, format } = slot;
  const wrong = (expected: string): void => void out.push(`${path}: expected ${expected}, got ${describe(value)}`);
  const array = ARRAY.exec(type);
  const map = MAP.exec(type);
  if (type === 'any') return;
  if (array) {
    if (!Array.isArray(value)) return wrong('a list');
    return value.forEach((item, i) => check(item, { ...slot, type: array[1] }, child(path, i), out));
  }
  if (map) {
    if (!isMapping(value)) return wrong('a mapping');
    for (const [key, item] of Object.entries(value)) check(item, { ...slot, type: map[1] }, child(path, key), out);
    return;
  }
  if (type === 'string' && QUANTITY_FIELDS.has(slot.owner)) {
    if (typeof value === 'number' && Number.isFinite(value)) return;
    if (typeof value !== 'string' || !QUANTITY.test(value)) return wrong('a quantity (e.g. 100m, 1, 64Mi)');
    return;
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') wrong('a string');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') wrong('true or false');
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrong('a number');
      if ((format === 'int32' || format === 'int64') && !Number.isInteger(value)) return wrong('a whole number');
      if (format === 'int32' && (value < INT32.min || value > INT32.max)) wrong('a 32-bit whole number');
      return;
    case 'IntOrString':
      if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))) return;
      return wrong('a whole number or a string');
    case 'Date':
    // MicroTime (events, leases) is a date-time with microseconds: the models name it but have no class for it.
    case 'V1MicroTime':
      if (value instanceof Date || (typeof value === 'string' && !Number.isNaN(Date.parse(value)))) return;
      return wrong('a date-time (RFC 3339)');
  }
  const model = modelClass(type);
  // Every type the models name is one of the above or a model; anything else would be a new kind of
  // type in a later client-node, which the test over every model's attribute types would catch.
  if (model === undefined) return;
  if (!isMapping(value)) return wrong('a mapping');
  const attributes = model.getAttributeTypeMap();
  const byName = new Map<string, ModelAttribute>(attributes.map((a) => [a.baseName, a]));
  for (const [key, item] of Object.entries(value)) {
    const attribute = byName.get(key);
    if (attribute === undefined) {
      out.push(`${child(path, key)}: unknown field${suggestion(key, [...byName.keys()])}`);
      continue;
    }
    check(item, { type: attribute.type, format: attribute.format, owner: `${type}.${key}` }, child(path, key), out);
  }
}

/** Every problem of one object, each "Kind name: path: problem"; empty when the API would take it. */
export function schemaProblems(obj: K8sObject): string[] {
  const who = `${obj.kind} ${obj.metadata?.name ?? '?'}`;
  const kind = lookupKind(obj.apiVersion, obj.kind);
  if ('problem' in kind) return [`${who}: ${kind.problem}`];
  const out: string[] = [];
  check(obj, { type: kind.model, format: '', owner: kind.model }, '', out);
  return out.map((p) => `${who}: ${p}`);
}

/** Throws one ManifestError line naming the first problem (and how many more) of these objects. */
export function validateManifests(objects: readonly K8sObject[], source: string): void {
  const problems = objects.flatMap(schemaProblems);
  if (problems.length === 0) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  throw new ManifestError(`${source}: ${problems[0]}${more}`);
}
