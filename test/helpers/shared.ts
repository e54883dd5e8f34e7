import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's shared specifications, vectors and data (never copied into the repository): `../shared`
 * beside the project root, or wherever CREDSTACK_SHARED_DIR points (a clone elsewhere, CI).
 */
export const SHARED_DIR =
  process.env.CREDSTACK_SHARED_DIR ?? resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared');

/** An absolute path under the shared folder; a trailing slash is kept. */
export function sharedPath(relative: string): string {
  const path = resolve(SHARED_DIR, relative);
  return relative.endsWith('/') ? `${path}/` : path;
}
