// What the engine starts for a run in front of a room: the terminal view, optionally the web
// dashboard, and in step mode one gate opened by Enter or by the page's "Next" button.
import type { LiveView, StepGate } from '../model/live.js';
import { StepControl, ViewError } from './step-control.js';
import { createTerminalGate, type TerminalGate } from './terminal-gate.js';
import { createTerminalView } from './terminal-view.js';
import { startWebDashboard, type Dashboard } from './web/server.js';

export interface TrainerUiOptions {
  /** Serve the live dashboard (`--ui`). */
  web: boolean;
  /** Step mode (`--step`): the engine awaits `gate` before each timeline action. */
  step: boolean;
  /** Dashboard port; default LAB_UI_PORT from the environment, else 8089. */
  port?: number;
  host?: string;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

export interface TrainerUi {
  view: LiveView;
  /** Null unless step mode is on. */
  gate: StepGate | null;
  /** The dashboard's address, or null without `web`. */
  url: string | null;
  close(): Promise<void>;
}

/** Sends every call to each view, in order; one failing view never stops the others or the run. */
export function combineViews(views: readonly LiveView[]): LiveView {
  const each = (call: (v: LiveView) => void) => {
    for (const view of views) {
      try {
        call(view);
      } catch (err) {
        process.emitWarning(`live view failed: ${(err as Error).message}`);
      }
    }
  };
  return {
    start: (info) => each((v) => v.start(info)),
    update: (snapshot) => each((v) => v.update(snapshot)),
    event: (event) => each((v) => v.event(event)),
    finish: (result) => each((v) => v.finish(result)),
    close: async () => {
      await Promise.allSettled(views.map((v) => v.close()));
    },
  };
}

/** LAB_UI_PORT (make: UI_PORT=N) picks the dashboard's port without a flag through every layer. */
export function portFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.LAB_UI_PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ViewError(`LAB_UI_PORT must be a port number 1..65535, got "${raw}"`);
  return port;
}

export async function startTrainerUi(options: TrainerUiOptions): Promise<TrainerUi> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const control = new StepControl();
  const canPressEnter = Boolean(stdin.isTTY);
  if (options.step && !options.web && !canPressEnter) {
    throw new ViewError('step mode needs a terminal to press Enter in (stdin is not a TTY) or the dashboard (--ui)');
  }
  const dashboard: Dashboard | null = options.web ? await startWebDashboard({ port: options.port ?? portFromEnv(), host: options.host, control }) : null;
  const terminalGate: TerminalGate | null = options.step && canPressEnter ? createTerminalGate(stdin, control) : null;
  const terminal = createTerminalView(stdout, options.step ? { control } : {});
  const view = combineViews(dashboard ? [terminal, dashboard.view] : [terminal]);
  return {
    view,
    gate: options.step ? control : null,
    url: dashboard?.url ?? null,
    async close() {
      terminalGate?.close();
      await view.close();
    },
  };
}
