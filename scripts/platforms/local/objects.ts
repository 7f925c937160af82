// Rendered Kubernetes objects (renderOverlay's output) read into the typed Deployments, Services,
// ConfigMaps and Namespaces the local platform runs. The honoured and ignored fields are listed in
// the README (section local-platform); anything else that would change the data path is rejected
// with one PlatformError line naming the object and the field.
import { LAB_NAMESPACE, type K8sObject } from '../../model/k8s.js';
import { PlatformError } from '../platform.js';
import { Field, type Json } from './manifest-fields.js';
import { readPodTemplate, type PodTemplate } from './pod-template.js';

/** An IntOrString of a rolling update: a number of pods, or a percentage of the replicas. */
export type IntOrPercent = { value: number; percent: boolean };

export interface DeploymentSpec {
  name: string;
  namespace: string;
  replicas: number;
  selector: Record<string, string>;
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
  template: PodTemplate;
  /** spec.template as rendered: what the pod-template-hash is computed from. */
  rawTemplate: Json;
}

export interface ServicePort {
  name?: string;
  port: number;
  /** A container port number, or the name of a container port. */
  targetPort: number | string;
}

export interface ServiceSpec {
  name: string;
  namespace: string;
  /** clusterIP: None: DNS answers the ready pods' addresses and kube-proxy ignores it. */
  headless: boolean;
  selector: Record<string, string>;
  ports: ServicePort[];
}

export interface ConfigMapSpec {
  name: string;
  namespace: string;
  data: Record<string, string>;
}

export interface LabObjects {
  namespaces: string[];
  deployments: DeploymentSpec[];
  services: ServiceSpec[];
  configMaps: ConfigMapSpec[];
}

/** Kinds read without effect: nothing in the local platform would act on them. */
export const IGNORED_KINDS = ['ServiceAccount', 'PodDisruptionBudget'];

export function readObjects(objects: K8sObject[]): LabObjects {
  const lab: LabObjects = { namespaces: [], deployments: [], services: [], configMaps: [] };
  const seen = new Set<string>();
  for (const object of objects) {
    const namespace = object.metadata.namespace ?? LAB_NAMESPACE;
    const id = `${object.kind}/${namespace}/${object.metadata.name}`;
    if (seen.has(id)) throw new PlatformError(`${object.kind}/${object.metadata.name} appears twice in namespace ${namespace}`);
    seen.add(id);
    const root = Field.root(object.kind, object.metadata.name, object);
    switch (object.kind) {
      case 'Namespace':
        lab.namespaces.push(object.metadata.name);
        break;
      case 'Deployment':
        lab.deployments.push(readDeployment(root, namespace));
        break;
      case 'Service':
        lab.services.push(readService(root, namespace));
        break;
      case 'ConfigMap':
        lab.configMaps.push({ name: object.metadata.name, namespace, data: root.at('data').stringMap() });
        break;
      default:
        if (!IGNORED_KINDS.includes(object.kind)) {
          throw new PlatformError(
            `${object.kind}/${object.metadata.name}: kind ${object.kind} is not supported by the local platform (supported: Namespace, Deployment, Service, ConfigMap)`,
          );
        }
    }
  }
  for (const d of lab.deployments) assertConfigMapsExist(d, lab.configMaps);
  return lab;
}

function readDeployment(root: Field, namespace: string): DeploymentSpec {
  const spec = root.at('spec');
  if (spec.at('paused').value === true) spec.at('paused').fail('is not supported: a paused Deployment never rolls out');
  if (spec.at('minReadySeconds').int(0) > 0) spec.at('minReadySeconds').fail('is not supported: pods are available as soon as they are ready');
  const selector = readSelector(spec.at('selector'));
  const template = readPodTemplate(spec.at('template'));
  const mismatch = Object.entries(selector).find(([k, v]) => template.labels[k] !== v);
  if (mismatch) spec.at('template').at('metadata').at('labels').fail(`must match the selector (${mismatch[0]}=${mismatch[1]})`);
  const { maxSurge, maxUnavailable } = readStrategy(spec.at('strategy'));
  return {
    name: root.at('metadata').at('name').string(),
    namespace,
    replicas: spec.at('replicas').int(1),
    selector,
    maxSurge,
    maxUnavailable,
    template,
    rawTemplate: spec.at('template').record(),
  };
}

function readSelector(selector: Field): Record<string, string> {
  if (selector.at('matchExpressions').list().length > 0) selector.at('matchExpressions').fail('is not supported: use matchLabels');
  const labels = selector.at('matchLabels').stringMap();
  if (Object.keys(labels).length === 0) selector.fail('must have matchLabels');
  return labels;
}

const DEFAULT_SURGE: IntOrPercent = { value: 25, percent: true };

function readStrategy(strategy: Field): { maxSurge: IntOrPercent; maxUnavailable: IntOrPercent } {
  const type = strategy.at('type').string('RollingUpdate');
  if (type !== 'RollingUpdate') strategy.at('type').fail(`${type} is not supported: only RollingUpdate`);
  const rolling = strategy.at('rollingUpdate');
  const maxSurge = readIntOrPercent(rolling.at('maxSurge'));
  const maxUnavailable = readIntOrPercent(rolling.at('maxUnavailable'));
  // The API server's validation: both zero would leave a rollout no way to make progress.
  if (maxSurge.value === 0 && maxUnavailable.value === 0) rolling.fail('maxSurge and maxUnavailable may not both be 0');
  return { maxSurge, maxUnavailable };
}

function readIntOrPercent(f: Field): IntOrPercent {
  if (!f.present) return { ...DEFAULT_SURGE };
  if (typeof f.value === 'number' && Number.isInteger(f.value) && f.value >= 0) return { value: f.value, percent: false };
  const m = typeof f.value === 'string' ? /^(\d+)%$/.exec(f.value) : null;
  if (!m) return f.fail(`must be a whole number or a percentage like "25%", got ${JSON.stringify(f.value)}`);
  return { value: Number(m[1]), percent: true };
}

/**
 * Resolves maxSurge and maxUnavailable against the replicas as the deployment controller does
 * (ResolveFenceposts): a surge percentage rounds up, an unavailable one rounds down, and if both
 * come out 0 one pod may be unavailable so the rollout can progress.
 */
export function resolveFenceposts(d: Pick<DeploymentSpec, 'maxSurge' | 'maxUnavailable'>, replicas: number): { surge: number; unavailable: number } {
  const of = (x: IntOrPercent, round: (n: number) => number) => (x.percent ? round((x.value * replicas) / 100) : x.value);
  const surge = of(d.maxSurge, Math.ceil);
  const unavailable = of(d.maxUnavailable, Math.floor);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

const SERVICE_TYPES = ['ClusterIP'];

function readService(root: Field, namespace: string): ServiceSpec {
  const spec = root.at('spec');
  const type = spec.at('type').string('ClusterIP');
  if (!SERVICE_TYPES.includes(type)) spec.at('type').fail(`${type} is not supported: only ClusterIP and headless (clusterIP: None) Services`);
  const affinity = spec.at('sessionAffinity').string('None');
  if (affinity !== 'None') spec.at('sessionAffinity').fail(`${affinity} is not supported: kube-proxy picks a backend per connection`);
  if (spec.at('publishNotReadyAddresses').value === true) spec.at('publishNotReadyAddresses').fail('is not supported: only ready pods are published');
  const selector = spec.at('selector').stringMap();
  if (Object.keys(selector).length === 0) spec.at('selector').fail('is required: Services without a selector are not supported');
  const ports = spec.at('ports').list().map((p): ServicePort => {
    const protocol = p.at('protocol').string('TCP');
    if (protocol !== 'TCP') p.at('protocol').fail(`${protocol} is not supported: only TCP`);
    const port = p.at('port').int(undefined, 1);
    return { name: p.at('name').optionalString(), port, targetPort: p.at('targetPort').portRef(port) };
  });
  if (ports.length === 0) spec.at('ports').fail('must list at least one port');
  return { name: root.at('metadata').at('name').string(), namespace, headless: spec.at('clusterIP').value === 'None', selector, ports };
}

function assertConfigMapsExist(d: DeploymentSpec, configMaps: ConfigMapSpec[]): void {
  for (const v of d.template.volumes) {
    if (v.kind !== 'configMap') continue;
    const cm = configMaps.find((c) => c.name === v.configMap && c.namespace === d.namespace);
    if (!cm) throw new PlatformError(`Deployment/${d.name}: volume ${v.name} needs ConfigMap ${v.configMap}, which the objects do not include`);
    const missing = (v.items ?? []).find((i) => !(i.key in cm.data));
    if (missing) throw new PlatformError(`Deployment/${d.name}: volume ${v.name} needs key ${missing.key} of ConfigMap ${v.configMap}, which has no such key`);
  }
}
