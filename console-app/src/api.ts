/**
 * The console's one fetch wrapper. Every call to the server goes through here, so every call:
 * - names the selected brand in `x-proofline-brand` (the server checks the user belongs to it);
 * - names the console's language in `accept-language` (the server's words, e.g. the rule checker's);
 * - sends JSON (the server's CSRF guard refuses other mutations), or multipart with `x-proofline-csrf`;
 * - on 401 (the session ended) waits for the user to sign in again in the overlay, then replays the
 *   request: the page under the overlay, and whatever is being edited in it, stays as it was;
 * - turns an error answer into an `ApiError`, whose `fieldErrors` maps each invalid field's path
 *   (`rules.minAmount`) to its message so a form can show it beside the field.
 */

export const API_BASE = '/api/console';
export const BRAND_HEADER = 'x-proofline-brand';
/** A header a cross-site form cannot send: multipart uploads carry it instead of a JSON content type. */
export const CSRF_HEADER = 'x-proofline-csrf';

export type ValidationIssue = { path: string; message: string };

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The server's dotted code (`validation.failed`, `auth.forbidden`), or `network`. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Each problem of a `validation.failed` answer, its path joined with dots. */
  get issues(): ValidationIssue[] {
    const details = this.details as { issues?: unknown } | unknown[] | undefined;
    const raw = Array.isArray(details) ? details : Array.isArray(details?.issues) ? details.issues : [];
    return (raw as { path?: unknown; message?: unknown }[]).map((issue) => ({
      path: Array.isArray(issue.path) ? issue.path.join('.') : String(issue.path ?? ''),
      message: String(issue.message ?? ''),
    }));
  }

  /** Field path → message, for forms. */
  get fieldErrors(): Record<string, string> {
    const errors: Record<string, string> = {};
    for (const issue of this.issues) errors[issue.path] ??= issue.message;
    return errors;
  }
}

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

type Hooks = {
  /** The brand the user works on (id or slug), sent with every request. */
  brand: () => string | undefined;
  /** The language the user chose for the console (`zh-TW`, `th`, `en`), sent with every request. */
  locale?: () => string | undefined;
  /**
   * Called on a 401: resolves once the same user has signed in again (the request is then replayed),
   * rejects when that will not happen (another user signed in, the page reloads).
   */
  reauthenticate: () => Promise<void>;
};

let hooks: Hooks = { brand: () => undefined, reauthenticate: () => Promise.reject(new Error('no session')) };

/** The shell wires the brand and the sign-in overlay in once, at start. */
export function configureApi(next: Hooks) {
  hooks = next;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export type RequestOptions = {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** @default true. False for the session routes themselves: a 401 there is an answer, not an expiry. */
  reauthenticate?: boolean;
  /** @default the selected brand */
  brand?: string | null;
};

export function apiUrl(path: string, query?: Query): string {
  const base = path.startsWith('/api/') ? path : `${API_BASE}${path.startsWith('/') ? '' : '/'}${path}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const search = params.toString();
  return search ? `${base}?${search}` : base;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const brand = options.brand === undefined ? hooks.brand() : options.brand;
  if (brand) headers[BRAND_HEADER] = brand;
  const language = hooks.locale?.();
  if (language) headers['accept-language'] = language;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
    headers[CSRF_HEADER] = '1';
  } else if (options.body !== undefined || method !== 'GET') {
    headers['content-type'] = 'application/json';
    if (options.body !== undefined) body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', (error as Error).message);
  }

  if (response.status === 401 && options.reauthenticate !== false) {
    await hooks.reauthenticate();
    return request<T>(method, path, { ...options, reauthenticate: false });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)
      ?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `http.${response.status}`,
      error?.message ?? response.statusText,
      error?.details,
    );
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('DELETE', path, { ...options, body }),
  /** A multipart upload (photos, CSV files): the server checks the session before reading the body. */
  upload: <T>(path: string, form: FormData, options?: RequestOptions) =>
    request<T>('POST', path, { ...options, body: form }),
};

/**
 * Bytes behind a console URL (a photo) as an object URL: an `<img src>` could not name the brand. The
 * caller revokes it when done.
 */
export async function fetchObjectUrl(url: string, signal?: AbortSignal): Promise<string> {
  const brand = hooks.brand();
  const response = await fetch(url, {
    credentials: 'same-origin',
    signal,
    headers: brand ? { [BRAND_HEADER]: brand } : {},
  });
  if (!response.ok) throw new ApiError(response.status, `http.${response.status}`, response.statusText);
  return URL.createObjectURL(await response.blob());
}
