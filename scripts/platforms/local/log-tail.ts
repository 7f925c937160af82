// The last lines a pod wrote on stdout and stderr, kept for diagnostics (a pod that never became
// ready, an unexpected exit) and never printed: the orchestrator's terminal belongs to the report.
export class LogTail {
  private readonly lines: string[] = [];
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };

  constructor(private readonly max = 200) {}

  write(stream: 'stdout' | 'stderr', chunk: Buffer | string): void {
    const text = this.partial[stream] + chunk.toString();
    const parts = text.split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const line of parts) this.push(stream === 'stderr' ? `[stderr] ${line}` : line);
  }

  /** A line from the platform itself (container exited, restarted), marked as such. */
  note(line: string): void {
    this.push(`[kubelet] ${line}`);
  }

  get(): string[] {
    const pending = (['stdout', 'stderr'] as const).filter((s) => this.partial[s] !== '').map((s) => (s === 'stderr' ? `[stderr] ${this.partial[s]}` : this.partial[s]));
    return [...this.lines, ...pending];
  }

  private push(line: string): void {
    this.lines.push(line.length > 2000 ? `${line.slice(0, 2000)}...` : line);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
}
