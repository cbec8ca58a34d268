// The admin API client: the token, JSON calls, CAR uploads. Errors are thrown as the server's
// `{ code, message, details }` body with the HTTP status.

const TOKEN_KEY = 'chassis.admin.token';

export const token = () => sessionStorage.getItem(TOKEN_KEY) ?? '';
export const setToken = (value) => sessionStorage.setItem(TOKEN_KEY, value);
export const forgetToken = () => sessionStorage.removeItem(TOKEN_KEY);

const enc = encodeURIComponent;

/** Every route the UI calls, in one place. */
export const routes = {
  session: () => '/api/session',
  drivers: () => '/api/drivers',
  driver: (id, locale) => `/api/drivers/${enc(id)}?locale=${enc(locale)}`,
  lifecycle: (id) => `/api/drivers/${enc(id)}/lifecycle`,
  install: () => '/api/drivers',
  plan: (id) => `/api/drivers/${enc(id)}/upgrade-plan`,
  upgrade: (id) => `/api/drivers/${enc(id)}/upgrade`,
  rollback: (id) => `/api/drivers/${enc(id)}/rollback`,
  restart: (id) => `/api/drivers/${enc(id)}/restart`,
  uninstall: (id, version) => `/api/drivers/${enc(id)}${version ? `?version=${enc(version)}` : ''}`,
  resources: () => '/api/resources',
  resource: (id, locale) => `/api/resources/${enc(id)}?locale=${enc(locale)}`,
  deleteResource: (id, force) => `/api/resources/${enc(id)}${force ? '?force=true' : ''}`,
  configure: (id) => `/api/resources/${enc(id)}/configuration`,
  testResource: (id) => `/api/resources/${enc(id)}/test`,
  pin: (id) => `/api/resources/${enc(id)}/pin`,
  updates: () => '/api/updates',
  checkUpdates: () => '/api/updates/check',
  upgrades: () => '/api/upgrades',
  audit: () => '/api/audit',
  clusterMembers: () => '/api/cluster/members',
  driverMembers: (id) => `/api/drivers/${enc(id)}/members`,
  history: () => '/api/metrics/history',
  catalog: (q) => `/api/catalog?q=${enc(q)}`,
  events: () => `/events?token=${enc(token())}`,
};

async function send(method, path, init) {
  let res;
  try {
    res = await fetch(path, {
      method,
      ...init,
      headers: { authorization: `Bearer ${token()}`, ...init.headers },
    });
  } catch (cause) {
    const err = new Error(cause?.message ?? 'network error');
    err.code = 'NETWORK';
    err.status = 0;
    throw err;
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(data.message ?? res.statusText);
    err.code = data.code ?? 'CHASSIS_E_UNKNOWN';
    err.details = data.details ?? {};
    err.status = res.status;
    throw err;
  }
  return data;
}

/** Calls the admin API with an optional JSON body (and extra headers, e.g. `Prefer`). */
export function api(method, path, body, headers = {}) {
  return send(method, path, {
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Uploads a CAR file (a `File` from an input) to install it. */
export function uploadCar(file) {
  return send('POST', routes.install(), {
    headers: { 'content-type': 'application/octet-stream' },
    body: file,
  });
}
