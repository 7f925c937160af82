// The seam to the trainer's view (scripts/view): --ui and --step hand the live run over to it. It
// is loaded only when asked for, so a plain run never pays for a web server.
import type { LiveView, StepGate } from '../model/live.js';

export class ViewUnavailableError extends Error {}

export interface TrainerSession {
  view: LiveView;
  gate: StepGate | null;
  url: string | null;
  close(): Promise<void>;
}

export interface TrainerOptions {
  web: boolean;
  step: boolean;
  /** Dashboard port (the view's default when absent; 0 picks a free one). */
  port?: number;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}

interface TrainerModule {
  startTrainerUi(options: TrainerOptions): Promise<TrainerSession>;
}

export async function startTrainer(options: TrainerOptions): Promise<TrainerSession> {
  let mod: TrainerModule;
  try {
    mod = (await import('../view/trainer-ui.js')) as TrainerModule;
  } catch {
    throw new ViewUnavailableError('the web view is not available (scripts/view is missing from this build)');
  }
  try {
    return await mod.startTrainerUi(options);
  } catch (err) {
    // The view's own errors (no TTY for --step, a taken port) are one line for a person.
    throw new ViewUnavailableError((err as Error).message.split('\n')[0]);
  }
}
