// Runs the benchmarks: all of them, or one by name. Prints one table and writes bench/results.json
// (the machine, and per benchmark its timestamps, figures and everything measured).
//
//   node dist/bench/run.js [loadgen|proxy|suite|scale]      (make bench [BENCH=NAME])
//   node dist/bench/run.js --markdown    prints the last results as a Markdown table, runs nothing
//   BENCH_CPU_PROF=a,b   also write a CPU profile of each process of those roles
//                        (a, b, bare, client) to reports/bench-profiles/<bench>/<role>/; read the top
//                        frames with node dist/bench/profile-top.js FILE
// Benchmarks are not tests: a missed target is a finding, printed in the table; the exit code is
// non-zero only when a benchmark could not run to the end.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadgenFidelity } from './loadgen-fidelity.js';
import { proxyOverhead } from './proxy-overhead.js';
import { scale } from './scale.js';
import { suiteSelection, suiteTime } from './suite-time.js';
import { cpuPressurePct, loadAverage, machine, sameMachine, type Machine } from './lib/machine.js';
import { PROJECT_ROOT } from './lib/processes.js';
import { markdown, table, type BenchContext, type BenchOutcome, type BenchRun } from './lib/report.js';

const BENCHES: Record<string, { run: (ctx: BenchContext) => Promise<BenchRun>; what: string }> = {
  loadgen: { run: loadgenFidelity, what: 'load generator fidelity and ceiling' },
  proxy: { run: proxyOverhead, what: 'local kube-proxy overhead' },
  suite: { run: suiteTime, what: 'wall time of every round variant and of make demo' },
  scale: { run: scale, what: 'local platform with 10, 20 and 50 B pods' },
};
const PROFILE_ROLES = ['a', 'b', 'bare', 'client'];

interface Results {
  machine: Machine;
  updatedAt: string;
  benches: Record<string, BenchOutcome>;
}

const RESULTS_FILE = path.join(PROJECT_ROOT, 'bench/results.json');

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function selected(arg: string | undefined): string[] {
  if (arg === undefined || arg === '' || arg === 'all') return Object.keys(BENCHES);
  if (!(arg in BENCHES)) fail(`unknown benchmark "${arg}"; one of: ${Object.keys(BENCHES).join(', ')} (or all)`);
  return [arg];
}

function profiledRoles(raw: string | undefined): Set<string> {
  const roles = new Set((raw ?? '').split(',').map((r) => r.trim()).filter(Boolean));
  for (const r of roles) if (!PROFILE_ROLES.includes(r)) fail(`BENCH_CPU_PROF=${raw}: "${r}" is not one of ${PROFILE_ROLES.join(', ')}`);
  return roles;
}

function context(bench: string, roles: Set<string>): BenchContext {
  return {
    log: (message) => process.stderr.write(`[${bench}] ${message}\n`),
    nodeArgs: (role) => {
      if (!roles.has(role)) return [];
      // One directory per role: Node names each profile CPU.<date>.<pid>...cpuprofile itself.
      const dir = path.join(PROJECT_ROOT, 'reports/bench-profiles', bench, role);
      mkdirSync(dir, { recursive: true });
      return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
    },
  };
}

async function runOne(name: string, roles: Set<string>): Promise<BenchOutcome> {
  const startedAt = new Date().toISOString();
  const command = `make bench BENCH=${name}`;
  const before = { loadAverage: loadAverage(), cpuPressurePct: cpuPressurePct() };
  process.stderr.write(`bench ${name}: ${BENCHES[name].what} (load ${before.loadAverage}, CPU pressure ${before.cpuPressurePct ?? '?'}%)\n`);
  try {
    const { figures, details } = await BENCHES[name].run(context(name, roles));
    return { bench: name, command, startedAt, finishedAt: new Date().toISOString(), before, figures, details };
  } catch (err) {
    const message = (err as Error).message.split('\n')[0];
    process.stderr.write(`bench ${name}: did not complete: ${message}\n`);
    return { bench: name, command, startedAt, finishedAt: new Date().toISOString(), before, figures: [], details: null, error: message };
  }
}

/** Keeps the other benchmarks' last results when one is run alone on the same machine. */
function previous(m: Machine): Record<string, BenchOutcome> {
  if (!existsSync(RESULTS_FILE)) return {};
  try {
    const old = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Results;
    return old.machine && sameMachine(old.machine, m) ? old.benches ?? {} : {};
  } catch {
    return {};
  }
}

function printMarkdown(): void {
  if (!existsSync(RESULTS_FILE)) fail('no bench/results.json yet: run make bench first');
  const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Results;
  const m = results.machine;
  const order = Object.keys(BENCHES).filter((b) => results.benches[b]);
  process.stdout.write(`Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}.\n\n`);
  process.stdout.write(`${markdown(order.map((b) => results.benches[b]))}\n`);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--markdown') return printMarkdown();
  const names = selected(process.argv[2]);
  const roles = profiledRoles(process.env.BENCH_CPU_PROF);
  if (names.includes('suite')) {
    try {
      suiteSelection(process.env.BENCH_ROUNDS);
    } catch (err) {
      fail((err as Error).message);
    }
  }
  const m = machine();
  process.stderr.write(`machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, node ${m.node}\n`);
  const outcomes: BenchOutcome[] = [];
  for (const name of names) outcomes.push(await runOne(name, roles));
  const results: Results = { machine: m, updatedAt: new Date().toISOString(), benches: { ...previous(m), ...Object.fromEntries(outcomes.map((o) => [o.bench, o])) } };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${table(outcomes)}\n\nmachine: ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}; written to bench/results.json\n`);
  if (roles.size > 0) process.stdout.write(`CPU profiles: reports/bench-profiles/<bench>/<role>/ (node dist/bench/profile-top.js FILE)\n`);
  process.exitCode = outcomes.some((o) => o.error) ? 1 : 0;
}

await main();
