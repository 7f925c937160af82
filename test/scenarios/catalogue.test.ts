// The scenario specs against the catalogue of rounds (the README's "The rounds") and against their
// own overlays: every variant exists, every overlay renders, every number a spec explains is the
// number its overlay sets, and every window and verdict points at something the timeline defines.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { renderOverlay } from '../../scripts/platforms/render.js';
import type { K8sObject } from '../../scripts/model/k8s.js';
import { ROUNDS, findRound } from '../../scripts/scenarios/index.js';
import { PROJECT_ROOT } from '../../services/shared/project-root.js';
import { overlayDir, timelineOf, windowsOf, type Anchor, type Knob, type RoundSpec, type VariantSpec } from '../../scripts/scenarios/spec.js';

const CATALOGUE: Record<number, string[]> = {
  1: ['broken', 'retries', 'fixed'],
  2: ['no-handler', 'stop', 'graceful', 'fixed'],
  3: ['broken', 'headless', 'l7-proxy', 'max-age-only'],
  4: ['broken', 'restart-a', 'max-connection-age'],
  5: ['compare'],
};

interface Deployment {
  spec?: { replicas?: number; template?: { spec?: { containers?: Array<{ env?: Array<{ name: string; value?: string }> }> } } };
}

function knobValue(objects: K8sObject[], knob: Knob): string | number | undefined {
  const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === knob.deployment) as (K8sObject & Deployment) | undefined;
  if (!d) return undefined;
  if (knob.replicas) return d.spec?.replicas ?? 1;
  return d.spec?.template?.spec?.containers?.flatMap((c) => c.env ?? []).find((e) => e.name === knob.env)?.value;
}

const variants = ROUNDS.flatMap((r) => r.variants.map((v) => [r, v] as [RoundSpec, VariantSpec]));

describe('the catalogue', () => {
  it('has every round and variant the README lists, in order', () => {
    expect(ROUNDS.map((r) => r.round)).toEqual([1, 2, 3, 4, 5]);
    for (const r of ROUNDS) expect(r.variants.map((v) => v.name)).toEqual(CATALOGUE[r.round]);
  });

  it('finds rounds by number, name or both', () => {
    expect(findRound('3').name).toBe('constraint');
    expect(findRound('curveball').round).toBe(4);
    expect(findRound('2-probe').round).toBe(2);
    expect(() => findRound('6')).toThrow(/unknown round "6"/);
  });

  it.each(variants.map(([r, v]) => [`${r.round}-${r.name}/${v.name}`, r, v] as const))('%s: windows and verdicts point at real marks', (_n, round, variant) => {
    const steps = timelineOf(round, variant);
    const marks = new Set(steps.map((s) => s.mark).filter(Boolean));
    const windows = windowsOf(round, variant);
    const anchored = (a: Anchor): boolean => a === 'start' || a === 'end' || marks.has(a.mark);
    for (const w of Object.values(windows)) expect(anchored(w.from) && anchored(w.to)).toBe(true);
    expect(windows.main).toBeDefined();
    for (const v of variant.verdicts) {
      expect(windows[v.window ?? 'main']).toBeDefined();
      if (v.relativeTo) expect(windows[v.relativeTo]).toBeDefined();
      expect(v.explanation.length).toBeGreaterThan(20);
    }
    for (const row of round.table ?? []) expect(windows[row.window]).toBeDefined();
    for (const s of steps) expect(s.narration.length).toBeGreaterThan(10);
    expect(variant.verdicts.length).toBeGreaterThan(0);
  });

  it.each(variants.map(([r, v]) => [overlayDir(r, v.name), r, v] as const))(
    '%s renders and sets every number its spec explains',
    async (dir, round, variant) => {
      const objects = await renderOverlay(path.join(PROJECT_ROOT, dir));
      for (const d of [...round.clients, round.backend]) expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === d)).toBe(true);
      // A variant's own knobs override the round's for the same setting.
      const key = (k: Knob): string => `${k.deployment}/${k.env ?? 'replicas'}`;
      const own = new Set((variant.knobs ?? []).map(key));
      for (const knob of [...round.knobs.filter((k) => !own.has(key(k))), ...(variant.knobs ?? [])]) {
        expect({ knob: key(knob), value: knobValue(objects, knob) }).toEqual({ knob: key(knob), value: knob.value });
      }
    },
    30_000,
  );
});
