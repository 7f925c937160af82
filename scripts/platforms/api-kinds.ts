// Which typed model of @kubernetes/client-node describes an object, found from its apiVersion and
// kind, offline. The generated API classes (AppsV1Api, CoreV1Api, ...) have a create method for each
// kind their group and version serve, so they also say whether `apiVersion: v1, kind: Deployment`
// is a kind the API server would know, as kubectl's "no matches for kind" does.
import * as k8s from '@kubernetes/client-node';

/** One entry of a generated model's attribute map: `baseName` is the JSON field name. */
export interface ModelAttribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface ModelClass {
  getAttributeTypeMap(): ModelAttribute[];
}

const exported = k8s as unknown as Record<string, unknown>;

/** The generated model class of that name (V1Deployment, IntOrString is not one), if any. */
export function modelClass(name: string): ModelClass | undefined {
  const candidate = exported[name] as Partial<ModelClass> | undefined;
  return typeof candidate?.getAttributeTypeMap === 'function' ? (candidate as ModelClass) : undefined;
}

/** "apps/v1" -> { group: "Apps", version: "V1" }; "rbac.authorization.k8s.io/v1" -> "RbacAuthorization"; "v1" -> "Core". */
function groupAndVersion(apiVersion: string): { group: string; version: string } {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  const words = group.replace(/\.k8s\.io$/, '').split('.').filter(Boolean);
  return { group: words.length === 0 ? 'Core' : words.map(pascal).join(''), version: pascal(version) };
}

export type KindLookup = { model: string } | { problem: string };

/**
 * The model that describes objects of this apiVersion and kind. The generator prefixes the group
 * only where two groups share a kind name (CoreV1Event, EventsV1Event), so that name is tried first.
 */
export function lookupKind(apiVersion: string, kind: string): KindLookup {
  const { group, version } = groupAndVersion(apiVersion);
  const api = exported[`${group}${version}Api`] as { prototype?: Record<string, unknown> } | undefined;
  if (api?.prototype === undefined) return { problem: `apiVersion ${apiVersion} is not a built-in Kubernetes API` };
  const served = [`create${kind}`, `createNamespaced${kind}`].some((m) => typeof api.prototype?.[m] === 'function');
  if (!served) return { problem: `kind ${kind} is not served by apiVersion ${apiVersion}` };
  const model = [`${group}${version}${kind}`, `${version}${kind}`].find((name) => modelClass(name) !== undefined);
  return model === undefined ? { problem: `no schema for ${kind} in apiVersion ${apiVersion}` } : { model };
}
