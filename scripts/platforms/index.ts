// The platforms a run can use, in the order `auto` tries them: a real cluster when one of the lab's
// own answers, else the embedded local platform, which always can. A new platform registers here,
// or on this registry from wherever it lives (the tests register a stand-in of their own).
import { clusterProvider } from './cluster/provider.js';
import { localProvider } from './local/provider.js';
import { PlatformRegistry } from './registry.js';

export const platforms = new PlatformRegistry([clusterProvider(), localProvider]);
