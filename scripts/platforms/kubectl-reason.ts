// kubectl's reason for a failure, on one line. kubectl prints `error: REASON`, or a klog line
// `E... "command failed" err="REASON"`; when the reason spans several lines (kustomize's errors
// often do: "wrong node kind ... node contents:" then the YAML it choked on), klog prints
// `err=<`, the reason's lines indented by a tab, and a closing ` >`. The first line alone would
// be `... "command failed" err=<`, which says nothing, so the block is read whole.

/** Longest reason quoted: enough for kustomize's message and the start of the YAML it quotes. */
const MAX_REASON = 400;

function oneLine(lines: string[]): string {
  const text = lines.map((l) => l.trim()).filter((l) => l !== '').join(' ').replace(/\s+/g, ' ');
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 3)}...` : text;
}

/** The lines of a klog `err=<` block that starts after line `at`, up to its closing `>`. */
function blockAfter(lines: string[], at: number): string[] {
  const block: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === '>') break;
    block.push(line);
  }
  return block;
}

export function kubectlReason(stderr: string): string {
  const lines = stderr.split('\n');
  // Warnings may come first: the error line is the one that counts, else the first line at all.
  const marked = lines.findIndex((l) => /^\s*(error:|E\d{4} )/i.test(l));
  const at = marked !== -1 ? marked : lines.findIndex((l) => l.trim() !== '');
  if (at === -1) return 'failed with no message';
  const line = lines[at].trim();
  if (/\berr=<\s*$/.test(line)) return oneLine(blockAfter(lines, at)) || 'failed with no message';
  const klog = /\berr="((?:[^"\\]|\\.)*)"/.exec(line);
  const reason = klog ? unquote(klog[1]) : line;
  return oneLine(reason.replace(/^error:\s*/i, '').split('\n'));
}

/** klog quotes like Go's %q: JSON reads the same escapes (\", \\, \n, \t). */
function unquote(quoted: string): string {
  try {
    return JSON.parse(`"${quoted}"`) as string;
  } catch {
    return quoted.replace(/\\(.)/g, '$1');
  }
}
