/**
 * The browser's API client: same-origin fetch with the session cookie, the CSRF token on every write, and
 * RFC 9457 problems turned into an `ApiError` the screens can show (title, detail and per-field errors);
 * `apiDownload` + `saveFile` for answers that are files to save.
 */
export interface ProblemField {
  pointer?: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | null,
    readonly code: string | null,
    readonly fields: ProblemField[],
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export interface SessionInfo {
  user: { id: string; email: string; name?: string | null; [key: string]: unknown } | null;
}

/** The signed-in user (null when signed out); remembers the CSRF token for later writes. */
export async function loadSession(): Promise<SessionInfo> {
  const response = await fetch('/api/v1/auth/session', { credentials: 'same-origin' });
  if (response.status === 401 || response.status === 404) {
    setCsrfToken(null);
    return { user: null };
  }
  const body = (await readBody(response)) as { user?: SessionInfo['user']; csrfToken?: string } | null;
  if (!response.ok) throw toApiError(response, body);
  setCsrfToken(body?.csrfToken || null);
  return { user: body?.user ?? null };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The request every call makes: JSON or form data, the session cookie, the CSRF token on writes. */
function send(method: Method, path: string, body: unknown, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  return fetch(path.startsWith('/') ? path : `/api/v1/${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(payload !== undefined ? { body: payload } : {}),
  });
}

export async function api<T = unknown>(method: Method, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body, 'application/json');
  const parsed = await readBody(response);
  if (!response.ok) throw toApiError(response, parsed);
  return parsed as T;
}

export interface DownloadedFile {
  blob: Blob;
  /** The name the server gave the file (`content-disposition`), else `fallbackName`. */
  fileName: string;
}

/**
 * A call whose answer is a file to save — e.g. a signed transcript made by a POST, which a plain download
 * link cannot ask for (it needs the CSRF token). The bytes come back untouched as a Blob; a problem answer
 * throws an `ApiError` like `api()`.
 */
export async function apiDownload(
  method: Method,
  path: string,
  body?: unknown,
  fallbackName = 'download',
): Promise<DownloadedFile> {
  const response = await send(method, path, body, '*/*');
  if (!response.ok) throw toApiError(response, await readBody(response));
  return {
    blob: await response.blob(),
    fileName: fileNameOf(response.headers.get('content-disposition')) ?? fallbackName,
  };
}

/** `filename*=UTF-8''…` first (RFC 6266), then `filename="…"`. */
function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // Not valid percent-encoding: fall back to the plain name.
    }
  }
  const plain = /filename="([^"]*)"/i.exec(disposition) ?? /filename=([^;]+)/i.exec(disposition);
  return plain?.[1]?.trim() || null;
}

/**
 * Hands a downloaded file to the browser to save: an object URL on a temporary `<a download>`. The URL is
 * released a little later, once the browser has started reading it.
 */
export function saveFile(file: DownloadedFile): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) return response.json();
  return response.text();
}

function toApiError(response: Response, body: unknown): ApiError {
  const problem = (body && typeof body === 'object' ? body : {}) as {
    title?: string;
    detail?: string;
    code?: string;
    errors?: ProblemField[];
  };
  return new ApiError(
    response.status,
    problem.title ?? response.statusText ?? 'Request failed',
    problem.detail ?? null,
    problem.code ?? null,
    Array.isArray(problem.errors) ? problem.errors : [],
  );
}
