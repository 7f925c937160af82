// The local platform as the registry knows it: always available, needs nothing but Node.js (and
// kubectl to render, HAProxy for the l7-proxy variants).
import type { PlatformEntry } from '../registry.js';
import { LocalPlatform } from './local-platform.js';
import { localPreflight } from './preflight.js';
import { LOCAL_TRAITS } from './traits.js';

export const localProvider: PlatformEntry = {
  name: 'local',
  aliases: [],
  info: LOCAL_TRAITS,
  async detect(ask) {
    if (ask.context !== undefined) return { usable: false, why: `--context ${ask.context} names a cluster; the local platform has none` };
    return { usable: true, why: ask.requested ? 'asked for with --platform local' : 'the embedded platform, always available' };
  },
  preflight: (variants, request) => localPreflight(variants, request),
  create: (request) => new LocalPlatform({ seed: request.seed, octet: request.octet }),
};
