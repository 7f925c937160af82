// Where the project lives, found from this module's own location, so the local platform works
// the same from the sources (scripts/platforms/local) and from the build (dist/scripts/...).
// Pods always run the build: `node dist/services/<x>/main.js`.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlatformError } from '../platform.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const threeUp = path.resolve(here, '../../..');

export const PROJECT_ROOT = path.basename(threeUp) === 'dist' ? path.dirname(threeUp) : threeUp;

/** An absolute path to a file of the build; PlatformError when the build has not been made. */
export function builtFile(relativeToDist: string): string {
  const file = path.join(PROJECT_ROOT, 'dist', relativeToDist);
  if (!existsSync(file)) throw new PlatformError(`${path.relative(PROJECT_ROOT, file)} is missing: build the project first (npm run build)`);
  return file;
}
