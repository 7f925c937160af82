// The project's root directory, found from this module's own location: the nearest directory above
// it that holds package.json. The same answer from the sources (services/shared), from the build
// (dist/services/shared) and inside the image (/app): everything that reads a file of the project
// (the proto, the overlays, the build, the dashboard's assets) starts here.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
