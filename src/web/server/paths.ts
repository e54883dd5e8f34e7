import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found from this file (it runs from `src/` under tsx and from `dist/` when built), so
 * the server finds the browser bundle wherever it is started from.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'credstack')
          return dir;
      } catch {
        // A stray package.json: keep going up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the credstack package root');
    dir = parent;
  }
}

export const CLIENT_DIR_NAME = join('dist', 'client');
export const MANIFEST_PATH = join('.vite', 'manifest.json');
