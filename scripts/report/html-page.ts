// Pieces every HTML report page uses: escaping, number formats, and the self-contained page
// shell (styles, uPlot and chart code inlined, so one file opens anywhere, offline).
import { formatCount, formatMeasured, formatMs, formatNumber, formatPercent } from '../model/format.js';
import type { VerdictResult } from '../model/result.js';
import { readReportAsset, type ReportAsset } from './assets.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** The shared formats (model/format.ts) with the pages' dash for a value that is not there. */
const DASH = '–';
export const fmt = {
  int: formatCount,
  pct: (x: number | null, digits = 2): string => formatPercent(x, digits, DASH),
  ms: (x: number | null): string => formatMs(x, DASH),
  num: (x: number | null, digits = 2): string => formatNumber(x, digits, DASH),
  measured: (v: Pick<VerdictResult, 'measured' | 'unit'>): string => formatMeasured(v, DASH),
};

/** JSON inside a <script> element: "<" escaped so no string in the data can close the element. */
export function inlineJson(id: string, data: unknown): string {
  return `<script type="application/json" id="${id}">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`;
}

function inlineScript(name: ReportAsset): string {
  return `<script>\n${readReportAsset(name).replace(/<\/script/gi, '<\\/script')}\n</script>`;
}

export function page(title: string, body: string, options: { charts: boolean }): string {
  const styles = [options.charts ? readReportAsset('uplot.css') : '', readReportAsset('style.css')].join('\n');
  const scripts = options.charts ? ['uplot.js', 'charts.js', 'report.js'].map((n) => inlineScript(n as ReportAsset)).join('\n') : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
${styles}
</style>
</head>
<body>
${body}
${scripts}
</body>
</html>
`;
}
