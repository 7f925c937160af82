// Tools' output read for a person: the one line worth quoting from a block of text.

/** The first line that is not blank, trimmed ('' when there is none). */
export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}
