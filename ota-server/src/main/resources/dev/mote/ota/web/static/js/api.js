// The REST API (docs/ota-server.md), as the signed-in page uses it: the session cookie goes
// with every request by itself (HttpOnly: this script never sees it); the CSRF token, held here
// in memory only, goes in X-CSRF-Token with every request that changes something.

let csrf = null;
let signedOut = () => {};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** What to do when the server says the session is over (401). */
export function onSignedOut(fn) {
  signedOut = fn;
}

async function call(method, url, body, contentType) {
  const headers = {'Accept': 'application/json'};
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf || '';
  if (contentType) headers['Content-Type'] = contentType;
  let r;
  try {
    r = await fetch(url, {method, headers, body, credentials: 'same-origin', cache: 'no-store', redirect: 'error'});
  } catch (e) {
    throw new ApiError(0, 'the server cannot be reached');
  }
  let data = null;
  try {
    data = await r.json();
  } catch (e) {
    data = null;
  }
  if (r.status === 401 && url.startsWith('/api/')) {
    csrf = null;
    signedOut();
  }
  if (!r.ok) throw new ApiError(r.status, (data && data.error) || 'HTTP ' + r.status);
  return data;
}

const json = 'application/json';

export const api = {
  get: path => call('GET', '/api/' + path),
  post: (path, body) => call('POST', '/api/' + path, JSON.stringify(body === undefined ? {} : body), json),
  put: (path, body) => call('PUT', '/api/' + path, JSON.stringify(body), json),
  upload: bytes => call('POST', '/api/images', bytes, 'application/octet-stream'),
};

/** Signs in with the admin token; throws ApiError (401: wrong token, 429: too many tries). */
export async function signIn(token) {
  const s = await call('POST', '/ui/login', JSON.stringify({token}), json);
  csrf = s.csrf;
  return s;
}

/** The CSRF token of the session the browser's cookie names, or null when not signed in. */
export async function resume() {
  try {
    const s = await call('GET', '/ui/session');
    csrf = s.csrf;
    return s;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export async function signOut() {
  try {
    await call('POST', '/ui/logout', '{}', json);
  } finally {
    csrf = null;
  }
}
