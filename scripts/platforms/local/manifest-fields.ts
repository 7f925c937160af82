// Typed reads of a rendered manifest's fields. Every failure is one PlatformError line that names
// the object and the field path, e.g. "Deployment/service-b: spec.replicas must be a whole number".
import { PlatformError } from '../platform.js';

export type Json = Record<string, unknown>;

/** A position in one object: the object's "Kind/name" and a field path inside it. */
export class Field {
  constructor(
    readonly object: string,
    readonly path: string,
    readonly value: unknown,
  ) {}

  static root(kind: string, name: string, value: unknown): Field {
    return new Field(`${kind}/${name}`, '', value);
  }

  /** The child field `key` (a property name or a list index). */
  at(key: string | number): Field {
    const path = typeof key === 'number' ? `${this.path}[${key}]` : this.path ? `${this.path}.${key}` : key;
    const parent = this.value;
    const value = parent !== null && typeof parent === 'object' ? (parent as Record<string | number, unknown>)[key] : undefined;
    return new Field(this.object, path, value);
  }

  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  fail(problem: string): never {
    throw new PlatformError(`${this.object}: ${this.path ? `${this.path} ` : ''}${problem}`);
  }

  record(): Json {
    if (!this.present) return {};
    if (typeof this.value !== 'object' || Array.isArray(this.value)) this.fail('must be a mapping');
    return this.value as Json;
  }

  list(): Field[] {
    if (!this.present) return [];
    if (!Array.isArray(this.value)) this.fail('must be a list');
    return this.value.map((_, i) => this.at(i));
  }

  string(fallback?: string): string {
    if (!this.present) {
      if (fallback !== undefined) return fallback;
      this.fail('is required');
    }
    if (typeof this.value !== 'string') this.fail(`must be a string, got ${JSON.stringify(this.value)}`);
    return this.value;
  }

  optionalString(): string | undefined {
    return this.present ? this.string() : undefined;
  }

  int(fallback: number | undefined, min = 0): number {
    if (!this.present) {
      if (fallback !== undefined) return fallback;
      this.fail('is required');
    }
    if (typeof this.value !== 'number' || !Number.isInteger(this.value)) this.fail(`must be a whole number, got ${JSON.stringify(this.value)}`);
    if (this.value < min) this.fail(`must be >= ${min}, got ${this.value}`);
    return this.value;
  }

  /** A port given as a number or as the name of a container port (IntOrString). */
  portRef(fallback?: number | string): number | string {
    if (!this.present && fallback !== undefined) return fallback;
    if (typeof this.value === 'string' && this.value !== '' && !/^\d+$/.test(this.value)) return this.value;
    const n = typeof this.value === 'string' ? Number(this.value) : this.value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) this.fail(`must be a port number (1-65535) or a port name, got ${JSON.stringify(this.value)}`);
    return n;
  }

  stringList(): string[] {
    return this.list().map((f) => f.string());
  }

  stringMap(): Record<string, string> {
    return Object.fromEntries(Object.keys(this.record()).map((k) => [k, this.at(k).string()]));
  }
}
