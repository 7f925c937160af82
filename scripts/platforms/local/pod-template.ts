// A Deployment's pod template, read into what the local kubelet needs to run it. Fields that
// change what happens on the data path are honoured; fields that only matter to a real node
// (resources, securityContext, imagePullPolicy, scheduling) are ignored; anything the platform
// cannot reproduce faithfully is rejected with one line rather than silently approximated.
import type { Field } from './manifest-fields.js';

/** Downward API fields a container may read through env[].valueFrom.fieldRef. */
export const FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'status.podIP'] as const;
export type FieldPath = (typeof FIELD_PATHS)[number];

export type EnvVar = { name: string; value: string } | { name: string; fieldPath: FieldPath };

export interface ContainerPort {
  name?: string;
  containerPort: number;
}

export type ProbeHandler =
  | { kind: 'grpc'; port: number; service: string }
  | { kind: 'httpGet'; port: number | string; path: string; headers: Array<[string, string]> }
  | { kind: 'tcpSocket'; port: number | string };

export interface ProbeSpec {
  handler: ProbeHandler;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/** The only preStop hook the platform runs: sleeping, as exec `sleep N` or the native `sleep`. */
export interface PreStopSleep {
  seconds: number;
  /** How the manifest wrote it, for the timeline: "exec sleep 5" or "sleep 5". */
  description: string;
}

export interface VolumeMount {
  volume: string;
  mountPath: string;
  subPath?: string;
}

export type Volume =
  | { name: string; kind: 'configMap'; configMap: string; items?: Array<{ key: string; path: string }> }
  /** Accepted and not materialised: no pod process reads or writes container paths, except HAProxy's config. */
  | { name: string; kind: 'emptyDir' };

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args: string[];
  env: EnvVar[];
  ports: ContainerPort[];
  readinessProbe?: ProbeSpec;
  preStop?: PreStopSleep;
  volumeMounts: VolumeMount[];
}

export interface PodTemplate {
  labels: Record<string, string>;
  container: ContainerSpec;
  volumes: Volume[];
  terminationGracePeriodSeconds: number;
}

/** Kubernetes' probe defaults (core/v1 Probe). */
export const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 } as const;
export const DEFAULT_GRACE_SECONDS = 30;

export function readPodTemplate(template: Field): PodTemplate {
  const spec = template.at('spec');
  rejectPresent(spec, ['initContainers', 'ephemeralContainers', 'hostNetwork', 'hostPID', 'activeDeadlineSeconds']);
  const restartPolicy = spec.at('restartPolicy').string('Always');
  if (restartPolicy !== 'Always') spec.at('restartPolicy').fail(`${restartPolicy} is not supported: a Deployment's pods restart Always`);
  const containers = spec.at('containers').list();
  if (containers.length !== 1) spec.at('containers').fail(`has ${containers.length} containers: the local platform runs exactly one container per pod`);
  const volumes = spec.at('volumes').list().map(readVolume);
  const container = readContainer(containers[0]);
  for (const mount of container.volumeMounts) {
    if (!volumes.some((v) => v.name === mount.volume)) containers[0].at('volumeMounts').fail(`names volume ${mount.volume}, which spec.volumes does not define`);
  }
  return {
    labels: template.at('metadata').at('labels').stringMap(),
    container,
    volumes,
    terminationGracePeriodSeconds: spec.at('terminationGracePeriodSeconds').int(DEFAULT_GRACE_SECONDS),
  };
}

function readContainer(c: Field): ContainerSpec {
  // livenessProbe is ignored (documented); a startupProbe would gate readiness, which is not emulated.
  rejectPresent(c, ['envFrom', 'startupProbe']);
  return {
    name: c.at('name').string(),
    image: c.at('image').string(),
    command: c.at('command').present ? c.at('command').stringList() : undefined,
    args: c.at('args').stringList(),
    env: c.at('env').list().map(readEnvVar),
    ports: c.at('ports').list().map(readPort),
    readinessProbe: c.at('readinessProbe').present ? readProbe(c.at('readinessProbe')) : undefined,
    preStop: readLifecycle(c.at('lifecycle')),
    volumeMounts: c.at('volumeMounts').list().map((m) => ({
      volume: m.at('name').string(),
      mountPath: m.at('mountPath').string(),
      subPath: m.at('subPath').optionalString(),
    })),
  };
}

function readEnvVar(e: Field): EnvVar {
  const name = e.at('name').string();
  const from = e.at('valueFrom');
  if (!from.present) return { name, value: e.at('value').string('') };
  const fieldRef = from.at('fieldRef');
  if (!fieldRef.present) from.fail(`of ${name}: only fieldRef is supported (${FIELD_PATHS.join(', ')}), not ${Object.keys(from.record()).join(', ')}`);
  const fieldPath = fieldRef.at('fieldPath').string();
  if (!(FIELD_PATHS as readonly string[]).includes(fieldPath)) fieldRef.at('fieldPath').fail(`${fieldPath} is not supported (use ${FIELD_PATHS.join(', ')})`);
  return { name, fieldPath: fieldPath as FieldPath };
}

function readPort(p: Field): ContainerPort {
  const protocol = p.at('protocol').string('TCP');
  if (protocol !== 'TCP') p.at('protocol').fail(`${protocol} is not supported: only TCP`);
  const port = p.at('containerPort').portRef();
  if (typeof port !== 'number') return p.at('containerPort').fail('must be a number');
  return { name: p.at('name').optionalString(), containerPort: port };
}

function readProbe(probe: Field): ProbeSpec {
  const handlers = ['grpc', 'httpGet', 'tcpSocket', 'exec'].filter((k) => probe.at(k).present);
  if (handlers.length !== 1) probe.fail(`must have exactly one of grpc, httpGet, tcpSocket (found: ${handlers.join(', ') || 'none'})`);
  const timing = (key: keyof typeof PROBE_DEFAULTS, min: number) => probe.at(key).int(PROBE_DEFAULTS[key], min);
  return {
    handler: readProbeHandler(probe, handlers[0]),
    initialDelaySeconds: timing('initialDelaySeconds', 0),
    periodSeconds: timing('periodSeconds', 1),
    timeoutSeconds: timing('timeoutSeconds', 1),
    successThreshold: timing('successThreshold', 1),
    failureThreshold: timing('failureThreshold', 1),
  };
}

function readProbeHandler(probe: Field, kind: string): ProbeHandler {
  const h = probe.at(kind);
  switch (kind) {
    case 'grpc': {
      const port = h.at('port').int(undefined, 1);
      return { kind, port, service: h.at('service').string('') };
    }
    case 'httpGet': {
      const scheme = h.at('scheme').string('HTTP');
      if (scheme !== 'HTTP') h.at('scheme').fail(`${scheme} is not supported: pods serve plain HTTP on loopback`);
      if (h.at('host').present) h.at('host').fail('is not supported: the probe always targets the pod IP');
      const headers = h.at('httpHeaders').list().map((x): [string, string] => [x.at('name').string(), x.at('value').string('')]);
      return { kind, port: h.at('port').portRef(), path: h.at('path').string('/'), headers };
    }
    case 'tcpSocket':
      if (h.at('host').present) h.at('host').fail('is not supported: the probe always targets the pod IP');
      return { kind, port: h.at('port').portRef() };
    default:
      return h.fail('probes are not supported by the local platform: use grpc, httpGet or tcpSocket');
  }
}

// `sleep 5`, `/bin/sleep 5`, or the same through `sh -c`: what a preStop that waits looks like.
const SLEEP_COMMAND = /^(?:\/usr)?(?:\/bin\/)?sleep\s+(\d+(?:\.\d+)?)s?$/;
const SHELLS = ['sh', '/bin/sh', 'bash', '/bin/bash', '/usr/bin/bash'];

function readLifecycle(lifecycle: Field): PreStopSleep | undefined {
  if (!lifecycle.present) return undefined;
  if (lifecycle.at('postStart').present) lifecycle.at('postStart').fail('is not supported by the local platform');
  const preStop = lifecycle.at('preStop');
  if (!preStop.present) return undefined;
  if (preStop.at('sleep').present) {
    const seconds = preStop.at('sleep').at('seconds').int(undefined, 0);
    return { seconds, description: `sleep ${seconds}` };
  }
  if (!preStop.at('exec').present) preStop.fail(`${Object.keys(preStop.record()).join(', ')} is not supported: only exec \`sleep N\` or the native sleep`);
  const command = preStop.at('exec').at('command').stringList();
  const text = SHELLS.includes(command[0]) && command[1] === '-c' && command.length === 3 ? command[2].trim() : command.join(' ');
  const m = SLEEP_COMMAND.exec(text);
  if (!m) return preStop.at('exec').at('command').fail(`${JSON.stringify(command)} is not supported: the local platform runs only \`sleep N\``);
  return { seconds: Number(m[1]), description: `exec ${text}` };
}

function readVolume(v: Field): Volume {
  const name = v.at('name').string();
  if (v.at('configMap').present) {
    const cm = v.at('configMap');
    const items = cm.at('items').present ? cm.at('items').list().map((i) => ({ key: i.at('key').string(), path: i.at('path').string() })) : undefined;
    return { name, kind: 'configMap', configMap: cm.at('name').string(), items };
  }
  if (v.at('emptyDir').present) return { name, kind: 'emptyDir' };
  const kinds = Object.keys(v.record()).filter((k) => k !== 'name');
  return v.fail(`of kind ${kinds.join(', ')} is not supported: only configMap and emptyDir volumes`);
}

/** Fields that must be absent, false or an empty list. */
function rejectPresent(f: Field, keys: string[]): void {
  for (const key of keys) {
    const { value } = f.at(key);
    const unset = value === undefined || value === null || value === false || (Array.isArray(value) && value.length === 0);
    if (!unset) f.at(key).fail('is not supported by the local platform');
  }
}
