// Pods always run the build (`node dist/services/<x>/main.js`), from the project's root.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../services/shared/project-root.js';
import { PlatformError } from '../platform.js';

export { PROJECT_ROOT };

/** An absolute path to a file of the build; PlatformError when the build has not been made. */
export function builtFile(relativeToDist: string): string {
  const file = path.join(PROJECT_ROOT, 'dist', relativeToDist);
  if (!existsSync(file)) throw new PlatformError(`${path.relative(PROJECT_ROOT, file)} is missing: build the project first (npm run build)`);
  return file;
}
