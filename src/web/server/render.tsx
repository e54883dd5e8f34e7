import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderToString } from 'react-dom/server';
import { App } from '../App.tsx';
import type { DocumentData } from '../pages/page-data.ts';
import { CLIENT_DIR_NAME, MANIFEST_PATH, packageRoot } from './paths.ts';

export interface PageMeta {
  title: string;
  description?: string;
  /** Absolute URL (from PUBLIC_URL) for Open Graph and the canonical link. */
  url?: string;
  ogType?: 'website' | 'profile' | 'article';
  /** Extra `<link rel="alternate">`s, e.g. the credential as `application/vc`. */
  alternates?: Array<{ type: string; href: string }>;
}

interface ClientAssets {
  script: string;
  styles: string[];
}

let cachedAssets: { mtimeMs: number; assets: ClientAssets | null } | null = null;

/**
 * The entry script and stylesheets from Vite's manifest; null before the first build (pages still render
 * and work without JavaScript, unstyled). Re-read when the manifest changes, so a rebuild needs no restart.
 */
export function clientAssets(): ClientAssets | null {
  const path = join(packageRoot(), CLIENT_DIR_NAME, MANIFEST_PATH);
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    return null;
  }
  if (cachedAssets?.mtimeMs === mtimeMs) return cachedAssets.assets;
  let assets: ClientAssets | null = null;
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<
      string,
      { file: string; css?: string[]; isEntry?: boolean }
    >;
    const entry = Object.values(manifest).find((chunk) => chunk.isEntry);
    if (entry) assets = { script: `/${entry.file}`, styles: (entry.css ?? []).map((file) => `/${file}`) };
  } catch {
    assets = null;
  }
  cachedAssets = { mtimeMs, assets };
  return assets;
}

/** A whole HTML document: the page rendered by React, its data block for hydration, and the head tags. */
export function renderDocument(data: DocumentData, meta: PageMeta): string {
  const body = renderToString(<App data={data} />);
  const assets = clientAssets();
  const title = meta.title === 'Credstack' ? meta.title : `${meta.title} · Credstack`;
  const head: string[] = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '<link rel="icon" href="/favicon.svg" type="image/svg+xml">',
  ];
  if (meta.description) head.push(`<meta name="description" content="${escapeHtml(meta.description)}">`);
  if (meta.url) {
    head.push(
      `<meta property="og:type" content="${meta.ogType ?? 'website'}">`,
      `<meta property="og:title" content="${escapeHtml(meta.title)}">`,
      `<meta property="og:url" content="${escapeHtml(meta.url)}">`,
      '<meta property="og:site_name" content="Credstack">',
      `<meta property="og:locale" content="${data.locale === 'es' ? 'es_ES' : 'en_GB'}">`,
      '<meta name="twitter:card" content="summary">',
      `<link rel="canonical" href="${escapeHtml(meta.url)}">`,
    );
    if (meta.description) {
      head.push(`<meta property="og:description" content="${escapeHtml(meta.description)}">`);
    }
  }
  for (const alternate of meta.alternates ?? []) {
    head.push(
      `<link rel="alternate" type="${escapeHtml(alternate.type)}" href="${escapeHtml(alternate.href)}">`,
    );
  }
  for (const style of assets?.styles ?? []) head.push(`<link rel="stylesheet" href="${escapeHtml(style)}">`);
  if (assets) head.push(`<script type="module" src="${escapeHtml(assets.script)}"></script>`);
  return `<!doctype html>
<html lang="${data.locale}"><head>${head.join('')}</head><body><div id="root">${body}</div>
<script type="application/json" id="page-data">${jsonForScript(data)}</script></body></html>`;
}

/** JSON that cannot end its `<script>` element early or open a comment: `<` is always escaped. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
