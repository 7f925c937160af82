// The repository root, found from this module's location: the same from the sources
// (scripts/scenarios) and from the build (dist/scripts/scenarios). Overlays are read below it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const twoUp = path.resolve(here, '../..');

export const REPO_ROOT = path.basename(twoUp) === 'dist' ? path.dirname(twoUp) : twoUp;
