// Environment configuration with one clear line and exit code 2 on bad input.
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function str(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v === '' ? fallback : v;
}

export function optionalStr(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

export function num(env: Env, name: string, fallback: number, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || raw.trim() === '') throw new ConfigError(`${name}=${raw} is not a number`);
  if (opts.integer && !Number.isInteger(v)) throw new ConfigError(`${name}=${raw} must be a whole number`);
  if (opts.min !== undefined && v < opts.min) throw new ConfigError(`${name}=${raw} must be >= ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) throw new ConfigError(`${name}=${raw} must be <= ${opts.max}`);
  return v;
}

export function optionalNum(env: Env, name: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  return num(env, name, 0, opts);
}

export function port(env: Env, name: string, fallback: number): number {
  return num(env, name, fallback, { min: 0, max: 65535, integer: true });
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name}=${raw} is not one of: ${allowed.join(', ')}`);
  }
  return raw as T;
}

/** Runs a service's main; configuration and start-up errors become one line on stderr and exit 2. */
export async function runMain(service: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const msg = e instanceof ConfigError ? e.message : e.code === 'EADDRINUSE' ? `port in use: ${e.message}` : (e.message ?? String(e));
    process.stderr.write(`${service}: ${msg.split('\n')[0]}\n`);
    process.exit(2);
  }
}
