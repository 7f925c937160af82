// The files the HTML report inlines (its charts, styles and uPlot), shared with the live dashboard,
// which serves them: the charts' code and styles beside this module in the source tree, uPlot from
// its installed package, so a page works offline.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PROJECT_ROOT } from '../../services/shared/project-root.js';

/** Read from the source tree, from the sources and from the build alike: tsc copies no assets. */
const OWN_DIR = path.join(PROJECT_ROOT, 'scripts/report/assets');

function uplotFile(name: string): string {
  return createRequire(import.meta.url).resolve(`uplot/dist/${name}`);
}

const FILES = {
  'report.js': () => path.join(OWN_DIR, 'report.js'),
  'charts.js': () => path.join(OWN_DIR, 'charts.js'),
  'style.css': () => path.join(OWN_DIR, 'style.css'),
  'uplot.js': () => uplotFile('uPlot.iife.min.js'),
  'uplot.css': () => uplotFile('uPlot.min.css'),
} as const;

export type ReportAsset = keyof typeof FILES;

const cache = new Map<string, string>();

/** A file's text, read once. */
export function readCached(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    cache.set(file, text);
  }
  return text;
}

export function readReportAsset(name: ReportAsset): string {
  return readCached(FILES[name]());
}
