// The dashboard's files: its own page and script beside this module in the source tree, and the
// charts, styles and uPlot it shares with the HTML report (report/assets.ts).
import path from 'node:path';
import { PROJECT_ROOT } from '../../../services/shared/project-root.js';
import { readCached, readReportAsset, type ReportAsset } from '../../report/assets.js';

const OWN_DIR = path.join(PROJECT_ROOT, 'scripts/view/web/assets');
const OWN = ['dashboard.html', 'dashboard.js'] as const;

export type AssetName = (typeof OWN)[number] | ReportAsset;

export function readAsset(name: AssetName): string {
  return (OWN as readonly string[]).includes(name) ? readCached(path.join(OWN_DIR, name)) : readReportAsset(name as ReportAsset);
}

export const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
