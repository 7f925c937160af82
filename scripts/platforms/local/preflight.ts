// What a whole run on the local platform needs of this machine, checked before its first variant:
// TMPDIR, every image of every variant (the build, HAProxy), the cluster DNS address, every
// ClusterIP port and every pod address and port the run will bind. One line per problem, so a
// person fixes them all at once instead of finding the next after minutes of running.
import type { PlannedVariant, PlatformRequest } from '../registry.js';
import { PlatformError } from '../platform.js';
import { AddressPlan, assertPortFree } from './addresses.js';
import { resolveImage } from './images.js';
import { readObjects, type LabObjects } from './objects.js';
import { tempDirProblem } from './work-dir.js';

/** Taken pod ports listed one by one up to this many; the rest are counted in one more line. */
const MAX_POD_PORT_LINES = 5;

/** Problems in first-seen order, each with the variants it concerns. */
class Problems {
  private readonly seen = new Map<string, string[]>();

  add(message: string, label?: string): void {
    const labels = this.seen.get(message) ?? [];
    if (label !== undefined && !labels.includes(label)) labels.push(label);
    this.seen.set(message, labels);
  }

  lines(): string[] {
    return [...this.seen].map(([message, labels]) => (labels.length ? `${labels.join(', ')}: ${message}` : message));
  }
}

function messageOf(err: unknown): string {
  if (err instanceof PlatformError) return err.message.split('\n')[0];
  throw err;
}

export async function localPreflight(variants: readonly PlannedVariant[], request: Pick<PlatformRequest, 'octet'>): Promise<string[]> {
  const problems = new Problems();
  const tmp = tempDirProblem();
  if (tmp) problems.add(tmp);

  let addresses: AddressPlan;
  try {
    addresses = new AddressPlan(request.octet);
  } catch (err) {
    problems.add(messageOf(err));
    return problems.lines();
  }

  const read: Array<{ variant: PlannedVariant; lab: LabObjects }> = [];
  for (const variant of variants) {
    try {
      read.push({ variant, lab: readObjects(variant.objects) });
    } catch (err) {
      problems.add(messageOf(err), variant.label);
    }
  }

  for (const { variant, lab } of read) {
    for (const d of lab.deployments) {
      try {
        resolveImage(d.template.container, `Deployment/${d.name}`);
      } catch (err) {
        problems.add(messageOf(err), variant.label);
      }
    }
  }

  const { ip: dnsIp, port: dnsPort } = addresses.dns;
  for (const protocol of ['udp', 'tcp'] as const) await check(problems, () => assertPortFree(dnsIp, dnsPort, 'cluster DNS', protocol));

  const vipPorts = new Set<string>();
  for (const { lab } of read) {
    for (const [index, svc] of lab.services.filter((s) => !s.headless).entries()) {
      for (const p of svc.ports) vipPorts.add(`${addresses.serviceIp(index)}:${p.port}`);
    }
  }
  for (const address of vipPorts) {
    const [ip, port] = address.split(':');
    await check(problems, () => assertPortFree(ip, Number(port), 'a ClusterIP Service'));
  }

  // Pod i gets the same address in every variant (each has a fresh lab), so the run needs the
  // first N addresses, N the most pods any variant creates, on every port a pod of it binds.
  const pods = Math.max(0, ...read.map(({ variant }) => variant.pods));
  const podPorts = [...new Set(read.flatMap(({ lab }) => lab.deployments.flatMap((d) => d.template.container.ports.map((p) => p.containerPort))))];
  // Taken pod ports are listed up to a few: a machine without 127/8 on loopback would fail them all.
  const unusable: string[] = [];
  for (let i = 0; i < pods; i++) {
    const ip = addresses.podIp(i);
    for (const port of podPorts) {
      await check(problems, () => assertPortFree(ip, port, 'a pod'), (message) => unusable.push(message));
    }
  }
  for (const message of unusable.slice(0, MAX_POD_PORT_LINES)) {
    problems.add(/already in use$/.test(message) ? `${message}: stop what holds it, or give the lab another 127.N.0.0/16 (LAB_LOCAL_OCTET=N)` : message);
  }
  if (unusable.length > MAX_POD_PORT_LINES) problems.add(`${unusable.length - MAX_POD_PORT_LINES} more pod ports cannot be bound`);
  return problems.lines();
}

/** Runs one port check; its failure goes to `onFailure` when given, else becomes a problem line. */
async function check(problems: Problems, bind: () => Promise<void>, onFailure?: (message: string) => void): Promise<void> {
  try {
    await bind();
  } catch (err) {
    const message = messageOf(err);
    if (onFailure) onFailure(message);
    else problems.add(message);
  }
}
