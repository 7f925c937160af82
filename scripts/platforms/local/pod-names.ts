// ReplicaSet-style names: <deployment>-<pod-template-hash>-<5 random characters>, as
// `kubectl get pods` shows them. The hash is the deployment controller's: FNV-1a (32 bit) of the
// pod template, its decimal digits mapped through rand.SafeEncodeString's alphabet (no vowels, no
// look-alike characters). Kubernetes hashes Go's printed form of the template; this hashes its
// canonical JSON, so the values differ from a cluster's but change exactly when the template does.
import type { Json } from './manifest-fields.js';

/** k8s.io/apimachinery/pkg/util/rand's alphabet. */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function templateHash(template: Json): string {
  const digits = String(fnv1a32(canonicalJson(template))).padStart(10, '0');
  return [...digits].map((d) => SAFE_ALPHABET[d.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

export function podName(deployment: string, hash: string, random: () => number): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SAFE_ALPHABET[Math.floor(random() * SAFE_ALPHABET.length)];
  return `${deployment}-${hash}-${suffix}`;
}

function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as Json)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Json)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
