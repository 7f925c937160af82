// Step mode in the terminal: Enter opens the gate. The terminal stays in raw mode from start to
// close and every key is read as it comes: an Enter pressed while nothing waits is dropped (not
// kept for the next step), and no key is echoed into the in-place frame. Ctrl-C still interrupts
// the run as it would in cooked mode.
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
  const onData = (chunk: Buffer) => {
    if (chunk.includes(CTRL_C)) {
      close();
      process.kill(process.pid, 'SIGINT');
      return;
    }
    if ([...chunk].some((b) => ENTER.has(b))) control.next();
  };
  stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  // the keyboard keeps the process alive only while the engine waits for it
  const unsubscribe = control.onChange((waiting) => (waiting === null ? stdin.unref() : stdin.ref()));
  let open = true;
  function close(): void {
    if (!open) return;
    open = false;
    unsubscribe();
    stdin.off('data', onData);
    stdin.setRawMode(false);
    stdin.pause();
  }
  return { control, close };
}
