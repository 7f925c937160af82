// A third platform arrives the way a real-cluster one will: a single register() on the registry,
// with no edit anywhere else. The stand-in runs the local platform's processes under its own name
// and traits, and one round's variant runs on it end to end through the lab's command line, with
// real pods, real calls and real verdicts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../scripts/model/result.js';
import type { ClusterInfo, PlatformTraits } from '../scripts/model/traits.js';
import { main } from '../scripts/cli/lab.js';
import { platforms } from '../scripts/platforms/index.js';
import { LocalPlatform } from '../scripts/platforms/local/local-platform.js';
import { LOCAL_TRAITS } from '../scripts/platforms/local/traits.js';
import { WrappedPlatform } from '../scripts/platforms/wrapped.js';
import { oneLabAtATime } from './helpers/lab-lock.js';
import { testOctet } from './helpers/octets.js';

/**
 * It claims a DNS cache of 2 s its DNS does not have: the only waits round 4 lengthens for a
 * cache are those after the scale-up, so the run shows the spec read the trait, and the verdicts
 * (no traffic to new pods without a restart) hold all the same.
 */
const STAND_IN_TRAITS: PlatformTraits = { ...LOCAL_TRAITS, dnsCacheSeconds: 2, endpointViews: ['endpoints'] };

class StandInPlatform extends WrappedPlatform {
  override readonly name = 'stand-in';
  override readonly info = STAND_IN_TRAITS;

  override async clusterInfo(): Promise<ClusterInfo> {
    return { provider: 'other', serverVersion: 'stand-in-1', context: null };
  }
}

platforms.register({
  name: 'stand-in',
  aliases: ['third'],
  info: STAND_IN_TRAITS,
  detect: async (ask) => ({ usable: true, why: ask.requested ? 'registered by the test' : 'never picked by auto before local' }),
  create: (request) => new StandInPlatform(new LocalPlatform({ seed: request.seed, octet: testOctet() })),
});

const reports = await mkdtemp(path.join(os.tmpdir(), 'lab-stand-in-'));
afterAll(() => rm(reports, { recursive: true, force: true }));

describe('a platform registered through the registry alone', () => {
  it('runs round 4\'s broken variant end to end, by its alias, with its own traits and real verdicts', async () => {
    const out: string[] = [];
    const code = await oneLabAtATime(() => main(['run', '4', '--variant', 'broken', '--platform', 'third', '--seed', '11', '--reports', reports], (l) => out.push(l)));
    expect(out[0]).toBe('platform stand-in (stand-in: registered by the test)');
    expect({ code, failed: out.filter((l) => l.includes('FAIL')) }).toEqual({ code: 0, failed: [] });

    const result = JSON.parse(await readFile(path.join(reports, '4-broken.json'), 'utf8')) as RunResult;
    expect(result).toMatchObject({ platform: 'stand-in', cluster: { provider: 'other', serverVersion: 'stand-in-1', context: null }, pass: true });
    expect(result.verdicts.map((v) => [v.name, v.pass])).toEqual([
      ['the scale-up happened', true],
      ['new pods get 0% of traffic', true],
      ['accounting holds', true],
    ]);
    expect(result.calls).toBeGreaterThan(1000);
    // The wait after the scale-up came from the traits: 10 s + the 2 s cache + 5 s, not local's 10.
    const scale = result.events.find((e) => e.type === 'step' && e.detail?.includes('Scale B to 20'))!;
    const after = result.events.find((e) => e.type === 'step' && e.detail?.includes('After the scale-up'))!;
    const lastSecond = Date.parse(result.startedAt) + (result.timeline.at(-1)!.s + 1) * 1000;
    expect(lastSecond - after.t).toBeGreaterThan(16_000);
    expect(after.t).toBeGreaterThan(scale.t);
    // Every reporter names the platform and where it ran.
    const junit = await readFile(path.join(reports, '4-broken.xml'), 'utf8');
    expect(junit).toContain('<property name="platform" value="stand-in"/>');
    expect(junit).toContain('<property name="cluster.provider" value="other"/>');
    expect(await readFile(path.join(reports, '4-broken.html'), 'utf8')).toContain('stand-in platform (provider other, Kubernetes stand-in-1)');
  }, 240_000);

  it('is offered on the command line beside the built-in ones, and auto still prefers those', async () => {
    expect(platforms.words()).toEqual(['cluster', 'kind', 'local', 'stand-in', 'third', 'auto']);
    const choice = await platforms.choose('auto', {});
    expect(choice.name).not.toBe('stand-in');
  });
});
