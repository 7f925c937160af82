// The lab's command line, parsed with node:util parseArgs. Anything wrong becomes a UsageError: one
// line for a person, exit code 2.
import { parseArgs } from 'node:util';
import { platforms } from '../platforms/index.js';

export class UsageError extends Error {}

export const USAGE = `usage:
  lab list                                   every round and its variants
  lab run <round>... [options]               run rounds (every variant, in order) or one variant
      --variant V        only this variant (of a single round)
      --platform P       ${platforms.describe()} or auto (default auto: a lab cluster when one answers)
      --seed N           seed for every random choice (default 1)
      --ui               live web dashboard (and the terminal view)
      --step             wait for Enter (or "Next" on the dashboard) before each step
      --context NAME     another cluster than the lab's own (needs --yes and --image)
      --yes              accept that the lab deletes and recreates namespace grpc-lab there
      --image REF        the lab's image, for a cluster that cannot see grpc-k8s-lab:dev
      --reports DIR      where the reports go, and a failed run's logs (default reports)
  lab render <round> --variant V             print the YAML a variant applies
exit codes: 0 every verdict holds, 1 a verdict failed, 2 bad input, 3 the platform failed,
  4 a bug, 130 Ctrl-C, 143 SIGTERM`;

export type Command =
  | { command: 'help' }
  | { command: 'list' }
  | { command: 'render'; round: string; variant: string }
  | {
      command: 'run';
      /** One or more rounds, in the order given. */
      rounds: string[];
      variant?: string;
      /** `auto` or a registered platform's name or alias. */
      platform: string;
      seed: number;
      ui: boolean;
      step: boolean;
      context?: string;
      yes: boolean;
      image?: string;
      reports: string;
    };

const OPTIONS = {
  variant: { type: 'string' },
  platform: { type: 'string' },
  seed: { type: 'string' },
  ui: { type: 'boolean' },
  step: { type: 'boolean' },
  context: { type: 'string' },
  yes: { type: 'boolean' },
  image: { type: 'string' },
  reports: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Which options each command accepts (parseArgs knows them all; the rest are refused here). */
const ALLOWED: Record<string, readonly string[]> = {
  list: [],
  render: ['variant'],
  run: ['variant', 'platform', 'seed', 'ui', 'step', 'context', 'yes', 'image', 'reports'],
};

const STRING_OPTIONS = Object.entries(OPTIONS).filter(([, o]) => o.type === 'string').map(([name]) => `--${name}`);

/**
 * `--seed -1`: parseArgs refuses a value that starts with a dash as "ambiguous" and says so over
 * three lines. A value that is not an option name is a value: joined as `--seed=-1`, it reaches
 * the option's own check and its one-line message.
 */
function joinDashValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (STRING_OPTIONS.includes(argv[i]) && next !== undefined && next.startsWith('-') && !next.startsWith('--') && next.length > 1 && !/^-[a-z]$/i.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

function parse(argv: string[]): ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>> {
  try {
    return parseArgs({ args: joinDashValues(argv), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs explains over several lines; the first says what is wrong.
    throw new UsageError((err as Error).message.split('\n')[0].split('. To specify')[0].replace(/\.$/, ''));
  }
}

function seedOf(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new UsageError(`--seed ${raw}: expected a whole number from 0 to 4294967295`);
  return n;
}

function platformOf(raw: string | undefined): string {
  if (raw === undefined) return 'auto';
  if (platforms.words().includes(raw)) return raw;
  throw new UsageError(`--platform ${raw}: expected ${platforms.describe()} or auto`);
}

export function parseCommand(argv: string[]): Command {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') return { command: 'help' };
  const allowed = ALLOWED[command];
  if (allowed === undefined) throw new UsageError(`unknown command "${command}"; commands: list, run, render (lab help)`);
  const refused = Object.keys(values).filter((k) => !allowed.includes(k));
  if (refused.length) throw new UsageError(`lab ${command} does not take --${refused[0]}`);
  if (command === 'list') {
    if (rest.length > 0) throw new UsageError(`lab list takes no argument (got "${rest[0]}")`);
    return { command: 'list' };
  }
  if (command === 'render' && rest.length !== 1) throw new UsageError('lab render needs exactly one round (e.g. lab render 3)');
  if (rest.length === 0) throw new UsageError('lab run needs at least one round (e.g. lab run 3)');
  if (command === 'render') {
    if (values.variant === undefined) throw new UsageError('lab render needs --variant V (lab list shows them)');
    return { command: 'render', round: rest[0], variant: values.variant };
  }
  if (values.yes && values.context === undefined) throw new UsageError('--yes only applies with --context NAME');
  if (values.variant !== undefined && rest.length > 1) throw new UsageError(`--variant picks a variant of one round, and ${rest.length} rounds were given`);
  return {
    command: 'run',
    rounds: rest,
    variant: values.variant,
    platform: platformOf(values.platform),
    seed: seedOf(values.seed),
    ui: values.ui ?? false,
    step: values.step ?? false,
    context: values.context,
    yes: values.yes ?? false,
    image: values.image,
    reports: values.reports ?? 'reports',
  };
}
