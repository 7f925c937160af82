// Latency histograms: A sends one compressed HDR histogram (microseconds) per second; the figures
// merge the seconds of a window and read percentiles from the merge, never from averages.
import * as hdr from 'hdr-histogram-js';

type Histogram = ReturnType<typeof hdr.build>;

// Decoding is the expensive part and each bucket's histogram never changes: decode it once.
const decoded = new Map<string, Histogram>();
const MAX_CACHED = 20_000;

export function decodeHistogram(encoded: string): Histogram | null {
  if (encoded === '') return null;
  let h = decoded.get(encoded);
  if (h === undefined) {
    h = hdr.decodeFromCompressedBase64(encoded);
    if (decoded.size >= MAX_CACHED) decoded.clear();
    decoded.set(encoded, h);
  }
  return h;
}

export interface LatencySummary {
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** Merges compressed histograms (µs) and summarises them in milliseconds. */
export function summarise(encoded: Iterable<string>): LatencySummary {
  const merged = hdr.build();
  for (const e of encoded) {
    const h = decodeHistogram(e);
    if (h !== null) merged.add(h);
  }
  const count = merged.totalCount;
  const ms = (us: number): number => Math.round(us / 10) / 100;
  const result = {
    count,
    p50: count ? ms(merged.getValueAtPercentile(50)) : null,
    p99: count ? ms(merged.getValueAtPercentile(99)) : null,
    max: count ? ms(merged.maxValue) : null,
  };
  merged.destroy();
  return result;
}

/** Builds the compressed form A sends, from latencies in microseconds (tests and benches). */
export function encodeLatencies(us: number[]): string {
  if (us.length === 0) return '';
  const h = hdr.build();
  for (const v of us) h.recordValue(v);
  const encoded = hdr.encodeIntoCompressedBase64(h);
  h.destroy();
  return encoded;
}
