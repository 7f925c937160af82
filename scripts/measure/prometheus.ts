// Reads the few numbers the lab needs from B's Prometheus text (/metrics): sums of samples by
// metric name, labels ignored.
export function sumSamples(text: string, name: RegExp): number | null {
  let sum: number | null = null;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || !name.test(m[1])) continue;
    const v = Number(m[3]);
    if (Number.isFinite(v)) sum = (sum ?? 0) + v;
  }
  return sum;
}

/** CPU seconds the process used (prom-client's default process metrics). */
export const CPU_METRIC = /^process_cpu_seconds_total$/;
/** Bytes B's sockets carried, both directions, if B counts them. */
export const WIRE_BYTES_METRIC = /^lab_b_(wire_)?bytes(_(sent|received|in|out))?_total$/;
