// What every benchmark hands back, and the one table the runner prints from it.

export interface Figure {
  /** What was measured, in words ("achieved rate at 1,000/s"). */
  name: string;
  value: number | string | boolean;
  unit?: string;
  /** The target in words (">= 80%"), when there is one. */
  target?: string;
  /** Whether the target was met; absent when there is no target. */
  pass?: boolean;
}

export interface BenchOutcome {
  bench: string;
  /** The command that reproduces it. */
  command: string;
  startedAt: string;
  finishedAt: string;
  /** How busy the machine was just before this benchmark started (load average, CPU pressure). */
  before?: { loadAverage: number; cpuPressurePct: number | null };
  figures: Figure[];
  /** Everything measured, for results.json. */
  details: unknown;
  /** Set when the benchmark could not run to the end. */
  error?: string;
}

/** Adds a target check to a figure: `ok` decides the pass, `target` says it in words. */
export function checked(name: string, value: number | string | boolean, unit: string | undefined, target: string, ok: boolean): Figure {
  return { name, value, unit, target, pass: ok };
}

export function formatValue(f: Figure): string {
  const v = typeof f.value === 'number' ? f.value.toLocaleString('en-US', { maximumFractionDigits: 3 }) : String(f.value);
  return f.unit ? `${v} ${f.unit}` : v;
}

/** One table for every outcome: bench | figure | value | target | ok. */
export function table(outcomes: BenchOutcome[]): string {
  const rows: string[][] = [['bench', 'figure', 'value', 'target', 'ok']];
  for (const o of outcomes) {
    if (o.error) rows.push([o.bench, 'did not complete', o.error, '', 'FAIL']);
    for (const f of o.figures) {
      rows.push([o.bench, f.name, formatValue(f), f.target ?? '', f.pass === undefined ? '' : f.pass ? 'yes' : 'NO']);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]): string => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** What the runner gives each benchmark. */
export interface BenchContext {
  /** Progress for the person waiting (stderr): one line per step. */
  log(message: string): void;
  /** Node flags for a process role ('a', 'b', 'bare', 'client'), e.g. --cpu-prof when profiling it. */
  nodeArgs(role: string): string[];
}

export interface BenchRun {
  figures: Figure[];
  details: unknown;
}

/** The same figures as a Markdown table (for the README), each benchmark with its command. */
export function markdown(outcomes: BenchOutcome[]): string {
  const rows = ['| benchmark | figure | value | target | met |', '| --- | --- | --- | --- | --- |'];
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  for (const o of outcomes) {
    if (o.error) rows.push(`| \`${o.command}\` | did not complete | ${cell(o.error)} | | no |`);
    o.figures.forEach((f, i) => {
      const met = f.pass === undefined ? '' : f.pass ? 'yes' : '**no**';
      rows.push(`| ${i === 0 ? `\`${o.command}\`` : ''} | ${cell(f.name)} | ${cell(formatValue(f))} | ${cell(f.target ?? '')} | ${met} |`);
    });
  }
  return rows.join('\n');
}
