/**
 * The browser's API client: same-origin fetch with the session cookie, the CSRF token on every write, and
 * RFC 9457 problems turned into an `ApiError` the screens can show (title, detail and per-field errors).
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

export async function api<T = unknown>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path.startsWith('/') ? path : `/api/v1/${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(payload !== undefined ? { body: payload } : {}),
  });
  const parsed = await readBody(response);
  if (!response.ok) throw toApiError(response, parsed);
  return parsed as T;
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
