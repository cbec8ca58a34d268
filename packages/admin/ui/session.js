// Who is signed in and what they may do: the UI offers only the actions of the caller's role.
import { api, routes } from './api.js';

let current = { principal: '', roles: [], actions: [] };

/** Loads the session of the current token. */
export async function loadSession() {
  current = await api('GET', routes.session());
  document.body.dataset.roles = current.roles.join(' ');
  return current;
}

export const session = () => current;

/** True when the caller may perform `action` (e.g. `drivers.upgrade`). */
export const can = (action) => current.actions.includes(action);
