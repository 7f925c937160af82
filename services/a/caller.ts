// What the generator needs from a protocol: start one call, and report how it ended.
import type { ErrorClass } from '../shared/stats-schema.js';

/** Reports one ended call: its status name, error class (null when OK), serving B pod (OK calls). */
export type Complete = (code: string, errorClass: ErrorClass | null, pod: string | null, latencyUs: number) => void;

export interface Caller {
  /** Starts one call; its end is reported through the Complete given at construction. */
  call(): void;
  /** Where calls go, as the `started` log shows it. */
  readonly target: string;
  close(): void;
}

/** Microseconds since `startMs` (a performance.now() reading). */
export function elapsedUs(startMs: number): number {
  return Math.round((performance.now() - startMs) * 1000);
}
