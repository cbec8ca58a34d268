// What the page shows, loaded from the API; views re-render from here after every change.
import { api, routes } from './api.js';
import { can } from './session.js';

export const store = { drivers: [], resources: [], updates: [], loaded: false };

const listeners = new Set();
let timer;

/** Calls `fn(store)` after every reload. */
export const onStore = (fn) => listeners.add(fn);

/** Reloads drivers, resources and update notices, then re-renders. */
export async function reload() {
  const [drivers, resources, updates] = await Promise.all([
    api('GET', routes.drivers()),
    api('GET', routes.resources()),
    can('upgrades.read') ? api('GET', routes.updates()) : Promise.resolve([]),
  ]);
  Object.assign(store, { drivers, resources, updates, loaded: true });
  for (const fn of listeners) await fn(store);
}

/** Reloads soon, once for a burst of events. */
export function scheduleReload(onError) {
  clearTimeout(timer);
  timer = setTimeout(() => reload().catch(onError), 150);
}
