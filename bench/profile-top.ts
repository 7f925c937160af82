// Reads a V8 CPU profile (node --cpu-prof) and prints where the time went: the functions with the
// most self time, and the same time summed per source file (node internals, grpc-js, the lab).
//
// Usage: node dist/bench/profile-top.js FILE.cpuprofile [N]   (N rows, default 25)
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface Row {
  name: string;
  ms: number;
  share: number;
}

/** Self time per key (what `keyOf` makes of a frame), largest first. */
function selfTime(profile: CpuProfile, keyOf: (f: CallFrame) => string): Row[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id);
    if (!frame) return;
    const key = keyOf(frame);
    totals.set(key, (totals.get(key) ?? 0) + us);
    all += us;
  });
  return [...totals]
    .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, share: all > 0 ? us / all : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

function shortUrl(url: string): string {
  if (url === '') return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.startsWith('node:') ? url : path.basename(url);
}

const frameKey = (f: CallFrame): string => `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
const fileKey = (f: CallFrame): string => (f.url === '' ? `(${f.functionName || 'native'})` : shortUrl(f.url));

function print(title: string, rows: Row[], n: number): void {
  process.stdout.write(`${title}\n`);
  for (const r of rows.slice(0, n)) process.stdout.write(`${(r.share * 100).toFixed(1).padStart(6)}%  ${String(r.ms).padStart(9)} ms  ${r.name}\n`);
  process.stdout.write('\n');
}

function main(): void {
  // Piped into head: a closed pipe ends the listing, not the process with a stack trace.
  process.stdout.on('error', () => process.exit(0));
  const [file, rowsArg] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node dist/bench/profile-top.js FILE.cpuprofile [ROWS]\n');
    process.exit(2);
  }
  const n = rowsArg === undefined ? 25 : Number(rowsArg);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`profile-top: ROWS=${rowsArg} must be a whole number >= 1\n`);
    process.exit(2);
  }
  let profile: CpuProfile;
  try {
    profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    if (!Array.isArray(profile.nodes) || !Array.isArray(profile.samples)) throw new Error('not a V8 CPU profile');
  } catch (err) {
    process.stderr.write(`profile-top: ${file}: ${(err as Error).message.split('\n')[0]}\n`);
    process.exit(2);
  }
  print(`self time by function (${path.basename(file)})`, selfTime(profile, frameKey), n);
  print('self time by file', selfTime(profile, fileKey), Math.min(n, 15));
}

main();
