// The parts of a round's spec that the layers below the scenarios read: what a verdict compares,
// where a measurement window starts and ends, and which client a table row counts. The rest of
// the spec (topology, timeline, narration) is the scenarios' own, in scenarios/spec.ts.
import type { MetricName } from './metrics.js';
import type { TraitValue } from './traits.js';

export type Comparison = '>=' | '<=' | '==' | '>' | '<';

export interface VerdictSpec {
  name: string;
  /** The sentence a trainer would say: what holding (or failing) this verdict proves. */
  explanation: string;
  metric: MetricName;
  /** Window the metric is read in (default: the round's main window). */
  window?: string;
  /** When set, the verdict compares metric(window) / metric(relativeTo) with the threshold. */
  relativeTo?: string;
  op: Comparison;
  threshold: TraitValue;
}

/** A point in the run: its start (load running, everything ready), its end, or a step's mark. */
export type Anchor = 'start' | 'end' | { mark: string; plusS?: number };

export interface WindowSpec {
  from: Anchor;
  to: Anchor;
  /** Why the window starts and ends where it does (shown in reports). */
  why: string;
}

/** Round 5's table: one row per protocol and load shape, each read from its own window. */
export interface TableRowSpec {
  /** Row name in the table, e.g. "grpc, fixed rate". */
  name: string;
  window: string;
  /** The client deployment whose calls this row counts (its pods' traffic only). */
  client: string;
}
