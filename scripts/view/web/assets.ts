// The page's files: the dashboard's own (beside this module in the source tree) and uPlot's, read
// from its installed package so the page works offline and the HTML report can inline them.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OWN_DIR = 'scripts/view/web/assets';

/** The source tree's assets folder, found from here whether running from source or from dist/. */
function ownAssetsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, OWN_DIR);
    if (existsSync(path.join(candidate, 'dashboard.html'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${OWN_DIR} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

function uplotFile(name: string): string {
  return createRequire(import.meta.url).resolve(`uplot/dist/${name}`);
}

const FILES = {
  'dashboard.html': () => path.join(ownAssetsDir(), 'dashboard.html'),
  'dashboard.js': () => path.join(ownAssetsDir(), 'dashboard.js'),
  'report.js': () => path.join(ownAssetsDir(), 'report.js'),
  'charts.js': () => path.join(ownAssetsDir(), 'charts.js'),
  'style.css': () => path.join(ownAssetsDir(), 'style.css'),
  'uplot.js': () => uplotFile('uPlot.iife.min.js'),
  'uplot.css': () => uplotFile('uPlot.min.css'),
} as const;

export type AssetName = keyof typeof FILES;

const cache = new Map<AssetName, string>();

export function readAsset(name: AssetName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(FILES[name](), 'utf8');
    cache.set(name, text);
  }
  return text;
}

export const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
