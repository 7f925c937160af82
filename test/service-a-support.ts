// Shared by the service A tests: start A and B as real processes, read their /stats, stop A the way
// a kubelet does and read its final books during the linger.
import { startService, type ServiceProcess } from './helpers/processes.js';
import type { BackendStats, StatsResponse } from '../services/shared/stats-schema.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A zero-work B unless `env` says otherwise, resolved once it is ready to serve. */
export async function startB(ip: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const b = startService('b', { POD_NAME: `b-${ip}`, WORK_MS: '0', ...env }, ip);
  await b.waitForLog('ready');
  return b;
}

/** An A with a linger long enough for the test to read its final /stats, resolved once load runs.
 *  Its deadline is generous: a starved test machine must not turn slow calls into deadline errors
 *  that a test did not ask for (tests about deadlines set DEADLINE_MS themselves). */
export async function startA(ip: string, env: Record<string, string>): Promise<ServiceProcess> {
  const a = startService('a', { POD_NAME: `a-${ip}`, STATS_LINGER_MS: '4000', DEADLINE_MS: '10000', ...env }, ip);
  await a.waitForLog('started');
  return a;
}

export const aStats = (a: ServiceProcess, after = 0): Promise<StatsResponse> => getJson(`http://${a.ip}:9090/stats?after=${after}`);
export const bStats = (b: ServiceProcess): Promise<BackendStats> => getJson(`http://${b.ip}:9090/stats`);

export interface Stopped {
  /** /stats?after=0 read during the linger, after the drain: the final books. */
  stats: StatsResponse;
  drained: Record<string, unknown>;
  sigterm: Record<string, unknown>;
  code: number | null;
}

/** SIGTERM, wait for the drain, read the final books while /stats lingers (and run `whileLingering`
 *  then), wait for the exit. */
export async function stopA(a: ServiceProcess, whileLingering: () => Promise<void> = async () => {}): Promise<Stopped> {
  a.kill('SIGTERM');
  const drained = await a.waitForLog('drained');
  const stats = await aStats(a);
  await whileLingering();
  const { code } = await a.exited;
  return { stats, drained, sigterm: await a.waitForLog('sigterm'), code };
}

/** Runs A for `ms` of load and returns its final books. */
export async function runA(ip: string, env: Record<string, string>, ms: number): Promise<Stopped> {
  const a = await startA(ip, env);
  await sleep(ms);
  return stopA(a);
}

export function sum(values: Iterable<number | undefined>): number {
  let total = 0;
  for (const v of values) total += v ?? 0;
  return total;
}
