// The structure the docs describe, checked on the code itself: imports point down the layers
// (model/lib -> platforms -> measure -> report -> scenarios -> view -> cli), the services stand
// apart and share only services/shared, one platform never reaches into another, every folder
// says what lives in it, and no source file grows past what one job needs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenRule, importsOf, LAYERS, repositoryEdges, sourceFiles, violations } from './helpers/import-layers.js';
import { PROJECT_ROOT } from './helpers/processes.js';

describe('import layers', () => {
  it('has no import that points up a layer, across the services, or into another platform', () => {
    const edges = repositoryEdges(PROJECT_ROOT);
    // The parser finds the imports at all: hundreds of them, in every layer.
    expect(edges.length).toBeGreaterThan(300);
    const importing = new Set(edges.map((e) => e.from.split('/').slice(0, 2).join('/')));
    for (const folder of ['scripts/model', 'scripts/platforms', 'scripts/measure', 'scripts/report', 'scripts/scenarios', 'scripts/view', 'scripts/cli', 'services/a', 'services/b']) {
      expect(importing).toContain(folder);
    }
    expect(violations(edges).map((v) => `${v.from} -> ${v.to}: ${v.rule}`)).toEqual([]);
  });

  it('puts every folder of scripts/ in a layer', () => {
    const folders = readdirSync(path.join(PROJECT_ROOT, 'scripts'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.filter((f) => !LAYERS.flat().includes(f))).toEqual([]);
  });

  it('catches each kind of forbidden import, and lets the allowed ones through', () => {
    const rule = (from: string, spec: string): string | null => brokenRule(importsOf(from, `import { x } from '${spec}';`)[0]!);
    expect(rule('scripts/measure/verdicts.ts', '../report/terminal.js')).toBe('measure imports report, a layer above it');
    expect(rule('scripts/model/result.ts', '../platforms/platform.js')).toBe('model/lib imports platforms, a layer above it');
    expect(rule('services/b/stats.ts', '../a/stats-schema.js')).toBe('services/b imports only itself and services/shared');
    expect(rule('services/shared/log.ts', '../../scripts/model/k8s.js')).toBe('services never import scripts');
    expect(rule('scripts/measure/collector.ts', '../../services/a/stats-schema.js')).toBe('scripts read the services only through services/shared');
    expect(rule('scripts/platforms/local/lab.ts', '../cluster/safety.js')).toBe('one platform never imports another');
    expect(rule('scripts/platforms/registry.ts', './cluster/safety.js')).toBe('the neutral platform code reaches a platform only through its provider.ts');
    expect(rule('scripts/extras/x.ts', '../model/k8s.js')).toBe('scripts/extras/x.ts is in no layer');
    expect(rule('scripts/platforms/index.ts', './cluster/provider.js')).toBeNull();
    expect(rule('scripts/cli/lab.ts', '../view/trainer-ui.js')).toBeNull();
    expect(rule('scripts/measure/figures.ts', '../../services/shared/stats-schema.js')).toBeNull();
    expect(rule('scripts/report/html.ts', './html-page.js')).toBeNull();
  });

  it('reads static, re-exporting and dynamic imports alike', () => {
    const text = [
      "import type { A } from '../model/a.js';",
      "export { B } from './b.js';",
      "const c = await import('../view/c.js');",
      "import 'node:fs';",
      "import './side-effect.js';",
    ].join('\n');
    expect(importsOf('scripts/cli/x.ts', text).map((e) => e.to)).toEqual(['scripts/model/a.ts', 'scripts/cli/b.ts', 'scripts/view/c.ts', 'scripts/cli/side-effect.ts']);
  });
});

describe('folders and files', () => {
  const folders = [...new Set(sourceFiles(PROJECT_ROOT).map((f) => path.dirname(f)))].filter((d) => !d.endsWith('/assets'));

  it('gives every folder of scripts/ and services/ a README saying what lives there', () => {
    expect(folders.filter((d) => !existsSync(path.join(PROJECT_ROOT, d, 'README.md')))).toEqual([]);
  });

  it('keeps every source file under about 300 lines', () => {
    const long = sourceFiles(PROJECT_ROOT)
      .map((f) => [f, readFileSync(path.join(PROJECT_ROOT, f), 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 310);
    expect(long).toEqual([]);
  });
});
