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
}

export function createPlatform(name: PlatformName, opts: PlatformRequestOptions): Platform {
  if (name === 'local') return new LocalPlatform({ seed: opts.seed });
  return createKindPlatform({ context: opts.context, yes: opts.yes, image: opts.image });
}
