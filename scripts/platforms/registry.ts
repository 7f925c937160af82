// Which platforms exist, after kind's provider registry: each registers its name, the aliases a
// person may type, what it is (its traits), how to tell whether it can run here now (detect) and
// how to build one (create). Nothing else in the lab names a platform: the CLI, the make targets'
// PLATFORM=, the benchmarks and the specs all go through here, so a new platform is one register().
import type { K8sObject } from '../model/k8s.js';
import type { PlatformTraits } from '../model/traits.js';
import { PlatformError, type Platform } from './platform.js';

/** What a run asks of a platform; each one reads what applies to it. */
export interface PlatformRequest {
  seed: number;
  /** --context NAME: a cluster's kubeconfig context. */
  context?: string;
  /** --yes: the user accepts that the lab deletes and recreates its namespace on that cluster. */
  yes?: boolean;
  /** --image REF: the lab's image, for a cluster that cannot see the default one. */
  image?: string;
  /** Local: the lab's 127.N.0.0/16, so two labs on one machine never share addresses. */
  octet?: number;
}

export interface DetectRequest {
  /** Named by the person (not tried by auto): a platform may say so in its reason. */
  requested: boolean;
  /** --context NAME, when given. */
  context?: string;
}

export type Detection =
  | { usable: true; why: string; /** What create() should use, e.g. the context that answered. */ settled?: Partial<PlatformRequest> }
  | { usable: false; why: string };

/** One variant a run will bring up, as the preflight sees it. */
export interface PlannedVariant {
  /** For a person: "round 3 l7-proxy". */
  label: string;
  /** Its rendered objects. */
  objects: K8sObject[];
  /** How many pods it creates over the whole run (start-up, rollouts, scale-ups). */
  pods: number;
}

export interface PlatformEntry {
  name: string;
  /** Other names a person may type (`kind` for the cluster platform). */
  aliases: readonly string[];
  /** What the platform is. */
  info: PlatformTraits;
  detect(ask: DetectRequest): Promise<Detection>;
  /**
   * What is wrong with a run's request before anything is contacted (a flag that needs another),
   * as one line for a person; the CLI reports it as bad input.
   */
  refuse?(request: Omit<PlatformRequest, 'seed'>): string | undefined;
  /**
   * Everything the whole run needs of this machine and platform (tools, images, ports, addresses,
   * directories), checked at once before its first variant: one line per problem, none if ready.
   */
  preflight?(variants: readonly PlannedVariant[], request: PlatformRequest): Promise<string[]>;
  create(request: PlatformRequest): Platform;
}

export interface PlatformChoice {
  /** The registered name, whatever alias was typed. */
  name: string;
  /** One sentence for a person, e.g. "cluster: context kind-grpc-lab answers". */
  reason: string;
  /** What detect() settled, used by every create() of this run. */
  settled: Partial<PlatformRequest>;
}

export const AUTO = 'auto';

export class PlatformRegistry {
  private readonly entries: PlatformEntry[] = [];

  /** `auto` tries the entries in this order and takes the first that can run. */
  constructor(entries: readonly PlatformEntry[] = []) {
    for (const entry of entries) this.register(entry);
  }

  register(entry: PlatformEntry): void {
    for (const word of [entry.name, ...entry.aliases]) {
      if (word === AUTO || this.find(word)) throw new Error(`platform name "${word}" is already taken`);
    }
    this.entries.push(entry);
  }

  find(nameOrAlias: string): PlatformEntry | undefined {
    return this.entries.find((e) => e.name === nameOrAlias || e.aliases.includes(nameOrAlias));
  }

  /** For usage lines and errors: "cluster (or kind), local". */
  describe(): string {
    return this.entries.map((e) => (e.aliases.length ? `${e.name} (or ${e.aliases.join(', ')})` : e.name)).join(', ');
  }

  /** Every word --platform accepts. */
  words(): string[] {
    return [...this.entries.flatMap((e) => [e.name, ...e.aliases]), AUTO];
  }

  /**
   * The platform a run uses, and why. A named one must be usable (else a PlatformError saying why);
   * `auto` takes the first usable entry and, when it had to pass others, says why it did.
   */
  async choose(requested: string, opts: { context?: string } = {}): Promise<PlatformChoice> {
    if (requested !== AUTO) {
      const entry = this.find(requested);
      if (!entry) throw new PlatformError(`no platform "${requested}"; platforms: ${this.describe()}`);
      const found = await entry.detect({ requested: true, context: opts.context });
      if (!found.usable) throw new PlatformError(`${entry.name}: ${found.why}`);
      return { name: entry.name, reason: `${entry.name}: ${found.why}`, settled: found.settled ?? {} };
    }
    const passed: Array<{ entry: PlatformEntry; why: string }> = [];
    for (const entry of this.entries) {
      const found = await entry.detect({ requested: false, context: opts.context });
      if (found.usable) {
        const why = passed.length ? passed.map((p) => p.why).join('; ') : found.why;
        return { name: entry.name, reason: `${entry.name}: ${why}`, settled: found.settled ?? {} };
      }
      passed.push({ entry, why: found.why });
    }
    const first = passed[0];
    throw new PlatformError(first ? `${first.entry.name}: ${first.why}` : 'no platform is registered');
  }

  /** The first refusal of the request by the platform named (by any, for auto). */
  refuse(requested: string, request: Omit<PlatformRequest, 'seed'>): string | undefined {
    const entries = requested === AUTO ? this.entries : [this.find(requested)].filter((e) => e !== undefined);
    for (const entry of entries) {
      const why = entry.refuse?.(request);
      if (why !== undefined) return why;
    }
    return undefined;
  }

  /** The chosen platform's problems with the whole run (none when it has no preflight). */
  async preflight(choice: PlatformChoice, variants: readonly PlannedVariant[], request: PlatformRequest): Promise<string[]> {
    const entry = this.find(choice.name);
    return (await entry?.preflight?.(variants, { ...request, ...choice.settled })) ?? [];
  }

  create(choice: PlatformChoice, request: PlatformRequest): Platform {
    const entry = this.find(choice.name);
    if (!entry) throw new PlatformError(`no platform "${choice.name}"; platforms: ${this.describe()}`);
    return entry.create({ ...request, ...choice.settled });
  }
}
