// The seam between `lab run --ui/--step` and the trainer's view: it starts the real dashboard, and
// what the view refuses becomes one line for a person (exit 2), not a stack trace.
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { ViewUnavailableError, startTrainer } from '../scripts/cli/trainer.js';

const quietStdout = (): NodeJS.WriteStream => Object.assign(new PassThrough(), { isTTY: false, columns: 100 }) as unknown as NodeJS.WriteStream;
const noTty = (): NodeJS.ReadStream => Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream;

describe('trainer seam', () => {
  it('--ui serves the live dashboard and closes it', async () => {
    const session = await startTrainer({ web: true, step: false, port: 0, stdout: quietStdout(), stdin: noTty() });
    try {
      expect(session.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      expect(session.gate).toBeNull();
      const res = await fetch(session.url!);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<html/i);
    } finally {
      await session.close();
    }
  });

  it('--step hands the engine a gate', async () => {
    const session = await startTrainer({ web: true, step: true, port: 0, stdout: quietStdout(), stdin: noTty() });
    try {
      expect(typeof session.gate?.waitForNext).toBe('function');
    } finally {
      await session.close();
    }
  });

  it('turns what the view refuses into one line', async () => {
    const err = await startTrainer({ web: false, step: true, stdout: quietStdout(), stdin: noTty() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ViewUnavailableError);
    expect((err as Error).message).toMatch(/^step mode needs a terminal/);
    expect((err as Error).message).not.toContain('\n');
  });
});
