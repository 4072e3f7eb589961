/**
 * Calls to the API: same origin, the HttpOnly session cookie goes by itself; state changes carry
 * the session's CSRF token (from sign-in or GET /api/v1/auth/session). The bearer token that
 * sign-in also returns is never kept: the cookie is enough for the browser.
 */
let csrf = null;
const unauthenticated = new Set();

export function setCsrf(token) {
  csrf = token ?? null;
}

/** Called when the API answers 401 (the session expired or was ended elsewhere). */
export function onUnauthenticated(fn) {
  unauthenticated.add(fn);
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf !== null) headers['x-csrf-token'] = csrf;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new ApiError(0, 'network', String(err?.message ?? err));
  }
  const text = await res.text();
  let data = null;
  try {
    data = text === '' ? null : JSON.parse(text);
  } catch {
    data = null;
  }
  if (!res.ok) {
    const error = new ApiError(
      res.status,
      data?.error?.code ?? `http_${res.status}`,
      data?.error?.message ?? res.statusText,
    );
    if (res.status === 401 && path !== '/api/v1/auth/login' && path !== '/api/v1/auth/session') {
      for (const fn of unauthenticated) fn();
    }
    throw error;
  }
  return data;
}

/** Runs `fn` now and every `ms` while the page is visible; returns a stop function. */
export function poll(fn, ms) {
  let timer;
  let stopped = false;
  const run = async () => {
    if (stopped) return;
    if (!document.hidden) {
      try {
        await fn();
      } catch {
        // The view shows its own errors; polling goes on.
      }
    }
    if (!stopped) timer = setTimeout(run, ms);
  };
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
