// The layering rules of the code base as data, and a checker that reads every import of every
// source file under scripts/ and services/. The architecture test runs it on the repository and on
// hand-made trees, so the rules are proven to catch what they forbid.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Bottom to top: a file may import its own layer and the layers below it, never one above. */
export const LAYERS: readonly string[][] = [['model', 'lib'], ['platforms'], ['measure'], ['report'], ['scenarios'], ['view'], ['cli']];

export interface ImportEdge {
  from: string;
  to: string;
}

export interface Violation extends ImportEdge {
  rule: string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/** Relative imports of one source text, resolved to repository paths with a .ts extension. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec || !spec.startsWith('.')) continue;
    const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    edges.push({ from: file, to });
  }
  return edges;
}

function layerOf(file: string): number | undefined {
  const [top, folder] = file.split('/');
  if (top !== 'scripts') return undefined;
  const i = LAYERS.findIndex((names) => names.includes(folder));
  return i < 0 ? undefined : i;
}

/** The rule an import breaks, or null. */
export function brokenRule({ from, to }: ImportEdge): string | null {
  const source = from.split('/');
  const target = to.split('/');
  if (source[0] === 'services') {
    if (target[0] === 'scripts') return 'services never import scripts';
    if (target[0] === 'services' && target[1] !== source[1] && target[1] !== 'shared') return `services/${source[1]} imports only itself and services/shared`;
    return null;
  }
  if (source[0] !== 'scripts') return null;
  if (target[0] === 'services' && target[1] !== 'shared') return 'scripts read the services only through services/shared';
  if (target[0] !== 'scripts') return null;
  const a = layerOf(from);
  const b = layerOf(to);
  if (a === undefined || b === undefined) return `${a === undefined ? from : to} is in no layer`;
  if (b > a) return `${LAYERS[a].join('/')} imports ${LAYERS[b].join('/')}, a layer above it`;
  if (source[1] === 'platforms' && target[1] === 'platforms' && target.length > 3) {
    // scripts/platforms/<one>/file.ts: a platform's own folder
    const ownFolder = source.length > 3 ? source[2] : undefined;
    if (ownFolder !== undefined && target[2] !== ownFolder) return 'one platform never imports another';
    if (ownFolder === undefined && target[target.length - 1] !== 'provider.ts') return 'the neutral platform code reaches a platform only through its provider.ts';
  }
  return null;
}

export function violations(edges: readonly ImportEdge[]): Violation[] {
  return edges.flatMap((e) => {
    const rule = brokenRule(e);
    return rule === null ? [] : [{ ...e, rule }];
  });
}

/** Every .ts and .mjs file under the folders, as repository paths. */
export function sourceFiles(root: string, folders: readonly string[] = ['scripts', 'services']): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (/\.(ts|mjs)$/.test(entry.name)) out.push(child);
    }
  };
  for (const f of folders) walk(f);
  return out.sort();
}

export function repositoryEdges(root: string): ImportEdge[] {
  return sourceFiles(root).flatMap((f) => importsOf(f, readFileSync(path.join(root, f), 'utf8')));
}
