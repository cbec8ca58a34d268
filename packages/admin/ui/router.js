// One URL per view (hash routes), so a link to a driver or a resource can be shared:
// #/ (overview), #/drivers/<id>, #/resources/<id>, #/new-resource[/<driver>], #/install,
// #/catalog, #/history, #/audit, #/metrics, #/members.

const listeners = new Set();

/** The current route: `{ view, id }`. */
export function currentRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [view = '', id] = parts;
  if (view === 'drivers' && id) return { view: 'driver', id };
  if (view === 'resources' && id) return { view: 'resource', id };
  if (view === 'new-resource') return { view, id };
  if (['install', 'catalog', 'history', 'audit', 'metrics', 'resources', 'members'].includes(view))
    return { view };
  return { view: 'overview' };
}

/** The hash of a route. */
export const href = {
  overview: () => '#/',
  driver: (id) => `#/drivers/${encodeURIComponent(id)}`,
  resource: (id) => `#/resources/${encodeURIComponent(id)}`,
  view: (name) => `#/${name}`,
  newResource: (driverId) => `#/new-resource${driverId ? `/${encodeURIComponent(driverId)}` : ''}`,
};

/** Goes to `hash` (a no-op change still re-renders). */
export function go(hash) {
  if (location.hash === hash) for (const l of listeners) l(currentRoute());
  else location.hash = hash;
}

/** Calls `fn(route)` on every route change. */
export function onRoute(fn) {
  listeners.add(fn);
  if (listeners.size === 1)
    window.addEventListener('hashchange', () => {
      for (const l of listeners) l(currentRoute());
    });
}
