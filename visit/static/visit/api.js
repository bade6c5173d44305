// A small client of the public API v1: the visitor token in localStorage, JSON calls, the selfie upload.
/** The page's settings from the server: API root, preselected exhibit, language, wishes on offer. */
export const config = JSON.parse(document.getElementById("visit-config").textContent);
const TOKEN_KEY = "museum_guide.visitor_token";

/** An API failure with the `{code, detail}` of the response (code "network" when nothing came back). */
export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail || code);
    this.status = status;
    this.code = code;
  }
}

const AUTH_CODES = new Set(["not_authenticated", "authentication_failed"]);

/** Whether the visitor's key no longer works (erased elsewhere, expired): the visit starts again. */
export function isAuthError(error) {
  return error instanceof ApiError && AUTH_CODES.has(error.code);
}

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY),
  set: (value) => localStorage.setItem(TOKEN_KEY, value),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

function url(path) {
  return config.api + path.replace(/^\//, "");
}

// Public endpoints (catalogue, privacy notice, labels) get no token: their authentication does not know
// visitor keys and would answer 401 instead of ignoring it.
function headers(extra = {}, auth = true) {
  const result = { Accept: "application/json", ...extra };
  const key = token.get();
  if (key && auth) result.Authorization = `Token ${key}`;
  return result;
}

async function errorFrom(response) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    // A proxy's HTML error page: keep the status, fall back to a generic code.
  }
  return new ApiError(response.status, body.code || statusCode(response.status), body.detail || "");
}

// A proxy in front of the server answers with HTML, not our JSON: name the few statuses a visitor can act on.
function statusCode(status, { photo = false } = {}) {
  if (status === 413) return photo ? "image_too_large" : "request_too_large";
  if (status === 429) return "throttled";
  return `http_${status}`;
}

/** Call the API as the visitor; resolves to the parsed JSON body (null for 204), rejects with ApiError. */
export async function api(method, path, body, { auth = true } = {}) {
  const init = { method, headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }, auth) };
  if (body !== undefined) init.body = JSON.stringify(body);
  let response;
  try {
    response = await fetch(url(path), init);
  } catch {
    throw new ApiError(0, "network", "");
  }
  if (!response.ok) throw await errorFrom(response);
  return response.status === 204 ? null : response.json();
}

/** GET the API as a Blob (for the data export download). */
export async function download(path) {
  let response;
  try {
    response = await fetch(url(path), { headers: headers() });
  } catch {
    throw new ApiError(0, "network", "");
  }
  if (!response.ok) throw await errorFrom(response);
  return response.blob();
}

/**
 * POST multipart form data with upload progress (fetch cannot report it; XMLHttpRequest can).
 * `onProgress` receives a fraction 0..1; aborting `signal` cancels the upload (ApiError code "cancelled").
 */
export function upload(path, form, onProgress, { signal, extraHeaders = {} } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url(path));
    for (const [name, value] of Object.entries(headers(extraHeaders))) xhr.setRequestHeader(name, value);
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.addEventListener("abort", () => reject(new ApiError(0, "cancelled", "")));
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      const body = xhr.response || {};
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body.code || statusCode(xhr.status, { photo: true }), body.detail || ""));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, "network", "")));
    xhr.addEventListener("timeout", () => reject(new ApiError(0, "network", "")));
    xhr.timeout = 120000;
    xhr.send(form);
  });
}

/** The exhibit the page was opened for (an exhibit's QR code), or null. */
export const initialExhibit = config.exhibit;

/** GET a public endpoint (no visitor token). */
export function publicApi(path) {
  return api("GET", path, undefined, { auth: false });
}
