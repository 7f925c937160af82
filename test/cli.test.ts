// The lab CLI as a person meets it: the built program, its exit codes and its one-line errors.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './helpers/processes.js';
import { ROUNDS } from '../scripts/scenarios/index.js';

const LAB = path.join(ROOT, 'dist/scripts/cli/lab.js');

function lab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LAB, ...args], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
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
    [['run', '3', '--seed', '-1'], /^lab: Option '--seed' argument is ambiguous$/],
    [['run', '3', '--platform', 'mars'], /^lab: --platform mars: expected local, kind or auto$/],
    [['run'], /^lab: lab run needs exactly one round/],
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
    expectOneLine(stderr, /^lab: platform failed: kind: no no-such-context-for-the-lab context in kubeconfig$/);
  });
});
