import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { CLIENT_DIR_NAME, MANIFEST_PATH, packageRoot } from './paths.ts';

/** The newest modification time of any file under `dir` (0 when it does not exist). */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when `dist/client` is missing or older than a file under `src/web` (when the sources are there). */
export function webBuildIsStale(root = packageRoot()): boolean {
  const manifest = join(root, CLIENT_DIR_NAME, MANIFEST_PATH);
  if (!existsSync(manifest)) return true;
  const sources = join(root, 'src', 'web');
  if (!existsSync(sources)) return false;
  return (
    statSync(manifest).mtimeMs <
    Math.max(newestMtime(sources), statSync(join(root, 'vite.config.ts')).mtimeMs)
  );
}

/**
 * Builds the browser bundle with Vite when it is missing or out of date (about 1–2 s), so `npm start` on a
 * fresh clone serves a working app without a separate build step. Builds into a private folder and moves
 * it into place, so a second process starting at the same time never serves a half-written bundle.
 */
export async function ensureWebBuild(
  options: { force?: boolean; log?: (message: string) => void } = {},
): Promise<'fresh' | 'built'> {
  const root = packageRoot();
  if (!options.force && !webBuildIsStale(root)) return 'fresh';
  const { build } = await import('vite');
  const target = join(root, CLIENT_DIR_NAME);
  const staging = `${target}.build-${process.pid}-${Date.now()}`;
  const started = Date.now();
  try {
    await build({
      root,
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: staging, emptyOutDir: true },
    });
    precompress(join(staging, 'assets'));
    const old = `${target}.old-${process.pid}-${Date.now()}`;
    if (existsSync(target)) renameSync(target, old);
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another process moved its (identical) build into place between our two renames: use that one.
      if (!existsSync(join(target, MANIFEST_PATH))) throw error;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  options.log?.(`web app built in ${Date.now() - started} ms`);
  return 'built';
}

/** Brotli and gzip copies next to each script, stylesheet and SVG, served as they are (no compression per request). */
function precompress(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (!/\.(js|css|svg|map)$/.test(name)) continue;
    const content = readFileSync(join(dir, name));
    if (content.length < 1024) continue;
    writeFileSync(
      join(dir, `${name}.br`),
      brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    );
    writeFileSync(join(dir, `${name}.gz`), gzipSync(content, { level: 9 }));
  }
}
