// Bad configuration and a taken port: service B exits 2 with one clear line on stderr, no stack.
import { afterEach, describe, expect, it } from 'vitest';
import { startService, stopAll, testSubnet } from './helpers/processes.js';

const subnet = testSubnet();
let hosts = 0;

afterEach(stopAll);

async function failedStart(env: Record<string, string>, ip = `${subnet}.${++hosts}`): Promise<string> {
  const proc = startService('b', { POD_NAME: 'b-bad', ...env }, ip);
  expect(await proc.exited).toEqual({ code: 2, signal: null });
  expect(proc.logs.map((l) => l.event)).not.toContain('ready');
  const stderr = proc.stderr();
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return stderr.trimEnd();
}

describe('service B refuses bad configuration', () => {
  it.each([
    [{ SHUTDOWN_MODE: 'sometimes' }, 'service-b: SHUTDOWN_MODE=sometimes is not one of: none, stop, graceful'],
    [{ CAPACITY: '-1' }, 'service-b: CAPACITY=-1 must be >= 0'],
    [{ WORK_MS: 'abc' }, 'service-b: WORK_MS=abc is not a number'],
    [{ DRAIN_TIMEOUT_MS: '1.5' }, 'service-b: DRAIN_TIMEOUT_MS=1.5 must be a whole number'],
    [{ METRICS_PORT: '70000' }, 'service-b: METRICS_PORT=70000 must be <= 65535'],
    [{ POD_IP: 'pod-one' }, 'service-b: POD_IP=pod-one is not an IP address'],
  ])('%o exits 2 with one line', async (env: Record<string, string>, line) => {
    expect(await failedStart(env)).toBe(line); // env wins over the address startService passes
  });

  it('exits 2 naming the port when its gRPC or REST port is taken', async () => {
    const ip = `${subnet}.${++hosts}`;
    const first = startService('b', { POD_NAME: 'b-first' }, ip);
    await first.waitForLog('ready');
    expect(await failedStart({ REST_PORT: '8081', METRICS_PORT: '9091' }, ip)).toBe(`service-b: port in use: ${ip}:50051 (PORT)`);
    expect(await failedStart({ PORT: '50052', METRICS_PORT: '9091' }, ip)).toBe(`service-b: port in use: ${ip}:8080 (REST_PORT)`);
    expect(first.proc.exitCode).toBeNull(); // the running pod was not disturbed
  });
});
