// Step mode in the terminal: Enter opens the gate. The terminal is in raw mode only while the
// engine waits, so the Enter key does not echo a newline that would break the in-place redraw;
// Ctrl-C still interrupts the run as it would in cooked mode.
import { StepControl, ViewError } from './step-control.js';

const ENTER = new Set([0x0d, 0x0a]);
const CTRL_C = 0x03;

export interface TerminalGate {
  control: StepControl;
  /** Stops listening to the keyboard and gives the terminal back as it was. */
  close(): void;
}

/** Listens for Enter on a TTY stdin; pass the dashboard's control to combine both triggers. */
export function createTerminalGate(stdin: NodeJS.ReadStream, control: StepControl = new StepControl()): TerminalGate {
  if (!stdin.isTTY) throw new ViewError('step mode needs a terminal to press Enter in (stdin is not a TTY): add --ui to step from the dashboard');
  let listening = false;

  const onData = (chunk: Buffer) => {
    if (chunk.includes(CTRL_C)) {
      stop();
      process.kill(process.pid, 'SIGINT');
      return;
    }
    if ([...chunk].some((b) => ENTER.has(b))) control.next('terminal');
  };
  const listen = () => {
    if (listening) return;
    listening = true;
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  };
  const stop = () => {
    if (!listening) return;
    listening = false;
    stdin.off('data', onData);
    stdin.setRawMode(false);
    stdin.pause(); // an idle stdin must not keep the process alive
  };
  const unsubscribe = control.onChange((waiting) => (waiting === null ? stop() : listen()));
  return {
    control,
    close() {
      unsubscribe();
      stop();
    },
  };
}
