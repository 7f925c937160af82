// The seam between `lab run --ui/--step` and the trainer's view: it starts the real dashboard, and
// what the view refuses becomes one line for a person (exit 2, or 3 for a taken port), not a stack trace.
import { describe, expect, it } from 'vitest';
import net from 'node:net';
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
    // Asking for step mode without a way to step is the flags' fault: bad input, exit 2.
    expect((err as ViewUnavailableError).machine).toBe(false);
  });

  it('a taken dashboard port is the machine\'s refusal (exit 3), still one line', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const err = await startTrainer({ web: true, step: false, port, stdout: quietStdout(), stdin: noTty() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ViewUnavailableError);
      expect((err as ViewUnavailableError).machine).toBe(true);
      expect((err as Error).message).toBe(`dashboard port ${port} on 127.0.0.1 is already in use: choose another one (UI_PORT=N with make, LAB_UI_PORT=N otherwise)`);
    } finally {
      holder.close();
    }
  });
});
