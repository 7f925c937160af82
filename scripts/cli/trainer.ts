// The seam to the trainer's view (scripts/view): --ui and --step hand the live run over to it. It
// is loaded only when asked for, so a plain run never pays for a web server (the type imports
// below vanish from the build).
import type { TrainerUi, TrainerUiOptions } from '../view/trainer-ui.js';

export class ViewUnavailableError extends Error {
  /** The machine refused (a taken port: exit 3), rather than the flags asking for the impossible (exit 2). */
  constructor(
    message: string,
    readonly machine = false,
  ) {
    super(message);
  }
}

export type TrainerSession = TrainerUi;

export async function startTrainer(options: TrainerUiOptions): Promise<TrainerSession> {
  let mod: typeof import('../view/trainer-ui.js');
  try {
    mod = await import('../view/trainer-ui.js');
  } catch {
    throw new ViewUnavailableError('the web view is not available (scripts/view is missing from this build)');
  }
  try {
    return await mod.startTrainerUi(options);
  } catch (err) {
    // The view's own errors (no TTY for --step, a taken port) are one line for a person; an error
    // the system gave (EADDRINUSE, EACCES) is the machine's.
    const cause = (err as Error).cause as NodeJS.ErrnoException | undefined;
    throw new ViewUnavailableError((err as Error).message.split('\n')[0], typeof cause?.code === 'string');
  }
}
