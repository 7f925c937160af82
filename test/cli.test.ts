// The lab CLI as a person meets it: the built program, its exit codes and its one-line errors.
import { describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from './helpers/processes.js';
import { ROUNDS } from '../scripts/scenarios/index.js';
import { oneLabAtATime } from './helpers/lab-lock.js';
import { testOctet } from './helpers/octets.js';

const LAB = path.join(PROJECT_ROOT, 'dist/scripts/cli/lab.js');

function lab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LAB, ...args], { cwd: PROJECT_ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** One clear line on stderr, never a stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('lab CLI', () => {
  it('lists every round and every variant of the catalogue', async () => {
    const { code, stdout } = await lab('list');
    expect(code).toBe(0);
    for (const round of ROUNDS) {
      expect(stdout).toContain(`${round.round} ${round.name}`);
      for (const v of round.variants) expect(stdout).toMatch(new RegExp(`\\b${v.name}\\b`));
    }
  });

  it('prints usage with exit 0 for help', async () => {
    const { code, stdout } = await lab('help');
    expect(code).toBe(0);
    expect(stdout).toContain('exit codes: 0 every verdict holds, 1 a verdict failed, 2 bad input, 3 the platform failed');
  });

  it('renders the YAML a variant applies', async () => {
    const { code, stdout } = await lab('render', 'constraint', '--variant', 'headless');
    expect(code).toBe(0);
    expect(stdout).toContain('clusterIP: None');
    expect(stdout).toContain('round_robin');
  });

  it.each([
    [['run', '9'], /^lab: unknown round "9"; rounds: 1 \(opening\)/],
    [['run', '3', '--variant', 'nope'], /^lab: round 3 has no variant "nope"; variants: broken, headless, l7-proxy, max-age-only$/],
    [['run', '3', '--bogus'], /^lab: Unknown option '--bogus'$/],
    [['run', '3', '--seed=-1'], /^lab: --seed -1: expected a whole number/],
    [['run', '3', '--seed', '-1'], /^lab: --seed -1: expected a whole number from 0 to 4294967295$/],
    [['run', '3', '--platform', 'mars'], /^lab: --platform mars: expected cluster \(or kind\), local or auto$/],
    [['run'], /^lab: lab run needs at least one round \(e\.g\. lab run 3\)$/],
    [['run', '3', 'constraint'], /^lab: round 3 is given twice$/],
    [['run', '1', '2', '--variant', 'broken'], /^lab: --variant picks a variant of one round, and 2 rounds were given$/],
    [['render', '1', '2', '--variant', 'broken'], /^lab: lab render needs exactly one round/],
    // Known from the flags alone: refused before any cluster is contacted, as bad input.
    [['run', '3', '--context', 'staging'], /^lab: --context staging needs --yes: the lab deletes and recreates namespace grpc-lab on that cluster$/],
    [['run', '3', '--context', 'staging', '--yes'], /^lab: --context staging needs --image REF: only the lab's own clusters have grpc-k8s-lab:dev; push it where staging can pull it$/],
    [['run', '3', '--yes'], /^lab: --yes only applies with --context NAME$/],
    [['render', '3'], /^lab: lab render needs --variant V/],
    [['list', '--seed', '3'], /^lab: lab list does not take --seed$/],
    [['fly'], /^lab: unknown command "fly"/],
  ])('rejects bad input %j with exit 2 and one line', async (args, pattern) => {
    const { code, stderr, stdout } = await lab(...args);
    expect(code).toBe(2);
    expectOneLine(stderr, pattern);
    expect(stdout).toBe('');
  });

  it('exits 3 with one line when the platform cannot be used', async () => {
    const { code, stderr } = await lab('run', '3', '--variant', 'broken', '--context', 'no-such-context-for-the-lab', '--yes', '--image', 'x:1');
    expect(code).toBe(3);
    expectOneLine(stderr, /^lab: platform failed: cluster: no no-such-context-for-the-lab context in kubeconfig$/);
  });
});

describe('lab run, interrupted', () => {
  it('tears everything down on Ctrl-C and exits 130', () => oneLabAtATime(async () => {
    const octet = testOctet();
    const child = spawn(process.execPath, [LAB, 'run', '3', '--variant', 'broken', '--platform', 'local', '--reports', os.tmpdir()], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LAB_LOCAL_OCTET: String(octet) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no step started: ${stdout} ${stderr}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('step 1/')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expectOneLine(stderr, /^lab: interrupted; everything the run started was torn down$/);
    // Nothing answers on the lab's addresses any more: cluster DNS, and A's and B's pods.
    for (const address of [`127.${octet}.0.10:10053`, `127.${octet}.1.1:9090`, `127.${octet}.1.11:9090`]) {
      const [host, port] = address.split(':');
      await expect(connects(host, Number(port))).resolves.toBe(false);
    }
  }), 180_000);
});

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
