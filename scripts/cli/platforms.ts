// Builds the platform a run asked for. Each variant gets a fresh one: down() ends its lifetime.
import type { Platform } from '../platforms/platform.js';
import type { PlatformName } from '../platforms/select.js';
import { LocalPlatform } from '../platforms/local/local-platform.js';
import { createKindPlatform } from '../platforms/kind/kind-platform.js';

export interface PlatformRequestOptions {
  seed: number;
  context?: string;
  yes?: boolean;
  image?: string;
  /** Local only: the lab's 127.N.0.0/16, so that two labs on one machine never share addresses. */
  octet?: number;
}

export function createPlatform(name: PlatformName, opts: PlatformRequestOptions): Platform {
  if (name === 'local') return new LocalPlatform({ seed: opts.seed, octet: opts.octet });
  return createKindPlatform({ context: opts.context, yes: opts.yes, image: opts.image });
}
