// reports/<round>-<variant>.json: the whole RunResult, for CI artefacts, the HTML report and diffs.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult } from '../model/result.js';

export function reportBaseName(result: Pick<RunResult, 'round' | 'variant'>): string {
  return `${result.round}-${result.variant}`;
}

export async function writeJsonReport(result: RunResult, dir = 'reports'): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${reportBaseName(result)}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
