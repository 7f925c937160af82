// The names of the numbers a verdict can read, and the units they come in. Specs name a metric,
// reports format a value by its unit; only measure/metrics.ts knows how each is read from figures.

export type Unit = 'ratio' | 'count' | 'ms' | 's' | 'x' | 'pods';

export const METRIC_NAMES = [
  'calls',
  'ok',
  'errors',
  'errorRate',
  'unavailableRate',
  'dropped',
  'refused',
  'cancelled',
  'deadline',
  'shed',
  'killedInFlight',
  'podsTotal',
  'podsWithTraffic',
  'podsWithoutTraffic',
  'maxMeanShare',
  'podsPerSecondMedian',
  'p50Ms',
  'p99Ms',
  'maxMs',
  'newPodsTotal',
  'newPodsIdle',
  'newPodsShare',
  'newPodsSlowestFirstCallS',
  'servedByB',
  'amplification',
  'shedByB',
  'errorsPerShed',
  'readinessFailures',
  'skipped',
  'accountingHolds',
  'unmeasuredFigures',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];
