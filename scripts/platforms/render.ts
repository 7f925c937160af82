// Renders a kustomize overlay into the Kubernetes objects both platforms apply. kubectl's built-in
// kustomize does the rendering, so the lab reads exactly what `kubectl apply -k` would send.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { LineCounter, parseAllDocuments } from 'yaml';
import { PlatformError } from './platform.js';
import { type K8sObject } from '../model/k8s.js';
import { kubectlReason } from './kubectl-reason.js';
import { ManifestError } from './manifest-error.js';
import { validateManifests } from './manifest-schema.js';

export interface RenderOptions {
  /** The kubectl binary to run (default `kubectl` from PATH). */
  kubectl?: string;
}

const INSTALL_HINT = 'install it from https://kubernetes.io/docs/tasks/tools/ (the lab renders manifests with its built-in kustomize)';

/** `kubectl kustomize DIR` as YAML text, unchecked. */
async function kustomize(dir: string, kubectl: string): Promise<string> {
  await assertDirectory(dir);
  const result = await execa(kubectl, ['kustomize', dir], { reject: false, timeout: 60_000 });
  if ((result as { code?: string }).code === 'ENOENT') throw new PlatformError(`${kubectl} not found: ${INSTALL_HINT}`);
  if (result.timedOut) throw new PlatformError(`${kubectl} kustomize ${dir}: no answer within 60 s`);
  // kustomize refused the overlay: the input is wrong, not the tool.
  if (result.exitCode !== 0) throw new ManifestError(`${kubectl} kustomize ${shown(dir)}: ${kubectlReason(String(result.stderr ?? ''))}`);
  return result.stdout;
}

/**
 * The objects an overlay renders to, in kustomize's order, each checked against the Kubernetes
 * schema (unknown fields, wrong types) before any platform sees them.
 */
export async function renderOverlay(dir: string, options: RenderOptions = {}): Promise<K8sObject[]> {
  const objects = parseManifests(await kustomize(dir, options.kubectl ?? 'kubectl'), `kubectl kustomize ${dir}`);
  validateManifests(objects, shown(dir));
  return objects;
}

/** The YAML stream `lab render` prints: what renderOverlay reads, refused on the same grounds. */
export async function renderText(dir: string, options: RenderOptions = {}): Promise<string> {
  const text = await kustomize(dir, options.kubectl ?? 'kubectl');
  validateManifests(parseManifests(text, `kubectl kustomize ${dir}`), shown(dir));
  return text;
}

/** Parses a multi-document YAML stream into Kubernetes objects; empty documents are skipped. */
export function parseManifests(yamlText: string, source = 'manifests'): K8sObject[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(yamlText, { lineCounter });
  if (!Array.isArray(docs)) return [];
  const objects: K8sObject[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      // The yaml package appends " at line L, column C:" and a code excerpt: the prefix says it.
      const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new ManifestError(`${source}:${line}:${col}: malformed YAML: ${reason}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const line = lineCounter.linePos(doc.contents?.range[0] ?? 0).line;
    objects.push(asK8sObject(value, `${source}:${line}`));
  }
  return objects;
}

function asK8sObject(value: unknown, where: string): K8sObject {
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ManifestError(`${where}: expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? 'a list' : typeof value}`);
  }
  const obj = value as Record<string, unknown>;
  const metadata = obj.metadata as Record<string, unknown> | undefined;
  const missing = [
    typeof obj.apiVersion === 'string' && obj.apiVersion ? null : 'apiVersion',
    typeof obj.kind === 'string' && obj.kind ? null : 'kind',
    typeof metadata?.name === 'string' && metadata.name ? null : 'metadata.name',
  ].filter((f): f is string => f !== null);
  if (missing.length > 0) {
    const what = typeof obj.kind === 'string' ? `${obj.kind} object` : 'object';
    throw new ManifestError(`${where}: ${what} has no ${missing.join(', ')}`);
  }
  return obj as K8sObject;
}

async function assertDirectory(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new PlatformError(`overlay directory not found: ${dir}`);
  if (!info.isDirectory()) throw new PlatformError(`not an overlay directory (a file): ${dir}`);
}

/** The overlay as a person typed it: relative to the working directory when it lies below it. */
function shown(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? dir : relative;
}
