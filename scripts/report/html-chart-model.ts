// The charts' input built from a finished run's timeline: the same shape the live dashboard
// builds from its snapshots, so the report draws exactly the charts the room saw.
import { toViewEvent, type ViewEvent } from './describe-event.js';
import type { RunResult } from '../model/result.js';

export interface ChartModel {
  s: number[];
  /** Percent of the second's completed calls, by outcome. */
  errors: { UNAVAILABLE: number[]; CANCELLED: number[]; other: number[] };
  pods: Array<{ name: string; isNew: boolean; values: number[] }>;
  markers: ViewEvent[];
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((10000 * part) / whole) / 100;
}

/** Pods that existed from the start first, then new ones in the order they first served. */
function podOrder(result: RunResult): string[] {
  const seen: string[] = [];
  for (const second of result.timeline) for (const pod of Object.keys(second.perPod)) if (!seen.includes(pod)) seen.push(pod);
  const isNew = (pod: string) => pod in result.newPods;
  return [...seen.filter((p) => !isNew(p)).sort(), ...seen.filter(isNew)];
}

export function chartModel(result: RunResult): ChartModel {
  const start = Date.parse(result.startedAt);
  const errors: ChartModel['errors'] = { UNAVAILABLE: [], CANCELLED: [], other: [] };
  for (const second of result.timeline) {
    const code = (name: string) => second.byCode[name] ?? 0;
    const other = second.completed - code('OK') - code('UNAVAILABLE') - code('CANCELLED');
    errors.UNAVAILABLE.push(percent(code('UNAVAILABLE'), second.completed));
    errors.CANCELLED.push(percent(code('CANCELLED'), second.completed));
    errors.other.push(percent(Math.max(0, other), second.completed));
  }
  return {
    s: result.timeline.map((t) => t.s),
    errors,
    pods: podOrder(result).map((name) => ({
      name,
      isNew: name in result.newPods,
      values: result.timeline.map((t) => t.perPod[name] ?? 0),
    })),
    markers: result.events.map((e) => toViewEvent(e, start)),
  };
}
