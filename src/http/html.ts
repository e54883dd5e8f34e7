import type { FastifyReply } from 'fastify';
/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** The shared layout of server-rendered pages. `head` is trusted markup (already escaped by the caller). */
export function page(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title === 'Credstack' ? title : `${title} · Credstack`)}</title>${head}
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
h1{font-size:1.6rem}a{color:#0b57d0}label{display:block;margin:.8rem 0 .3rem;font-weight:600}
input,select,textarea{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;border:1px solid #555;border-radius:4px}
button{font:inherit;margin-top:1rem;padding:.6rem 1.2rem;background:#0b57d0;color:#fff;border:0;border-radius:4px;cursor:pointer}
:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.ok{border-left:4px solid #1b7a3a;padding-left:1rem}.error{border-left:4px solid #b3261e;padding-left:1rem}
.unknown{border-left:4px solid #8a6d00;padding-left:1rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}ol.steps{padding-left:1.2rem}ol.steps li{margin:.4rem 0}
.outcome{font-weight:600}.small{font-size:.9rem;color:#444}
</style></head><body><main>${body}</main></body></html>`;
}

/**
 * Sends a server-rendered page. Never cached and never sent on as a referrer: these pages show one
 * person's things or carry a mailed link's token in their URL.
 */
export function sendPage(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(page(title, body));
}

/** The body of the page a mailed link lands on when it no longer works (used, expired, unknown). */
export function linkNotValidBody(message: string): string {
  return `<h1>This link does not work</h1><p class="error">${escapeHtml(message)}</p>`;
}

/** The query string of a mailed link's landing page. */
export const tokenQuery = {
  type: 'object',
  properties: { token: { type: 'string', maxLength: 200 } },
} as const;
