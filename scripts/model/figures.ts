// The figures of one measurement window: what measure/figures.ts computes from a run, what the
// metrics read, and (for the main window) what every report shows as its headline.

export interface Figures {
  /** Length of the window, seconds. */
  seconds: number;
  scheduled: number;
  skipped: number;
  /** Calls completed in the window, every outcome. */
  calls: number;
  ok: number;
  errors: number;
  byCode: Record<string, number>;
  errorClasses: Record<string, number>;
  unavailableRate: number | null;
  errorRate: number | null;
  /** OK calls per second. */
  throughput: number | null;
  perPod: Record<string, number>;
  /** Backend pods that existed during the window, and those among them that served an OK call. */
  podsTotal: number;
  podsWithTraffic: number;
  maxMeanShare: number | null;
  latencyMs: { p50: number | null; p99: number | null; max: number | null };
  /** Backend pods created during the run that existed in the window: seconds from creation to
   *  their first OK call anywhere in the run (null: never), resolution 1 s, rounded up. */
  newPods: Record<string, number | null>;
  /** Those new pods that served no OK call inside the window. */
  newPodsIdle: number;
  /** Share of the window's OK calls that those new pods served. */
  newPodsShare: number | null;
  /** Backend pods serving at least one OK call, per second: median and largest. */
  podsPerSecond: { median: number | null; max: number | null };
  /** Attempts backend pods received in the window (retries and shed calls included). */
  servedByB: number;
  /** servedByB per call A completed (retry amplification, 3 decimals); null without calls. */
  attemptsPerCall: number | null;
  /** Attempts backend pods refused for lack of capacity in the window (shed). */
  shedByB: number;
  /** Readiness failures of backend pods that were not being deleted. */
  readinessFailures: number;
  /** How far behind its schedule A started calls (client saturation), worst second. */
  lagMaxMs: number;
}
