// Pieces every HTML report page uses: escaping, number formats, and the self-contained page
// shell (styles, uPlot and chart code inlined, so one file opens anywhere, offline).
import { readAsset, type AssetName } from '../view/web/assets.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export const fmt = {
  int: (x: number): string => x.toLocaleString('en-US'),
  pct: (x: number | null, digits = 2): string => (x === null || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)}%`),
  ms: (x: number | null): string => (x === null ? '–' : `${Math.round(x * 10) / 10} ms`),
  num: (x: number | null, digits = 2): string => (x === null || !Number.isFinite(x) ? '–' : String(Math.round(x * 10 ** digits) / 10 ** digits)),
  measured: (x: number | string | null): string =>
    x === null ? '–' : typeof x === 'number' ? (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)))) : x,
};

/** JSON inside a <script> element: "<" escaped so no string in the data can close the element. */
export function inlineJson(id: string, data: unknown): string {
  return `<script type="application/json" id="${id}">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`;
}

function inlineScript(name: AssetName): string {
  return `<script>\n${readAsset(name).replace(/<\/script/gi, '<\\/script')}\n</script>`;
}

export function page(title: string, body: string, options: { charts: boolean }): string {
  const styles = [options.charts ? readAsset('uplot.css') : '', readAsset('style.css')].join('\n');
  const scripts = options.charts ? ['uplot.js', 'charts.js', 'report.js'].map((n) => inlineScript(n as AssetName)).join('\n') : '';
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
