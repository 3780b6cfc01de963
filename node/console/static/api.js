// The console's JSON API: every call sends the session cookie (same origin) and, for changes, the
// session's CSRF token in X-CSRF-Token. Errors come back as ApiError with the server's code,
// message and per-field reasons; a full or failing disk of the node is said in the officer's
// language first, the server's details (directory, space free) after it.
import { t } from './i18n.js';

let csrfToken = '';

export function setCsrfToken(token) { csrfToken = token || ''; }

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    const local = error.code === 'disk_full' || error.code === 'disk_error' ? `${t(`error.${error.code}`)} ` : '';
    super(error.code === 'too_large' ? t('error.too_large') : local + (error.message || `HTTP ${status}`));
    this.status = status;
    this.code = error.code || 'http_error';
    this.fields = error.fields || [];
  }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(handler) { onUnauthorized = handler; }

const isBinary = (body) => body instanceof Blob || body instanceof ArrayBuffer;

async function send(method, path, body, contentType) {
  const headers = {};
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  let payload;
  if (isBinary(body)) {
    payload = body;
    headers['Content-Type'] = contentType;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  if (!response.ok) {
    let json = null;
    try { json = await response.json(); } catch (e) { json = null; }
    const error = new ApiError(response.status, json);
    if (response.status === 401 && path !== '/api/login') onUnauthorized(error);
    throw error;
  }
  return response;
}

async function call(method, path, body, contentType) {
  const response = await send(method, path, body, contentType);
  try { return await response.json(); } catch (e) { return null; }
}

// A POST whose answer is a file: {blob, filename} (the name from Content-Disposition).
async function download(path, body) {
  const response = await send('POST', path, body);
  const disposition = response.headers.get('Content-Disposition') || '';
  const filename = (/filename="([^"]+)"/.exec(disposition) || [])[1] || 'download';
  return { blob: await response.blob(), filename };
}

export const api = {
  get: (path) => call('GET', path),
  post: (path, body) => call('POST', path, body === undefined ? {} : body),
  put: (path, body) => call('PUT', path, body),
  del: (path) => call('DELETE', path),
  upload: (path, blob, type) => call('POST', path, blob, type),
  download,
};
