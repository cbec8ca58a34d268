// DOM helpers. Every text goes through textContent (never innerHTML) so that driver-supplied
// labels cannot inject markup.

/** The first element matching `sel`. */
export const $ = (sel, root = document) => root.querySelector(sel);

/** Every element matching `sel`, as an array. */
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** Builds an element: `text` sets textContent, `on*` adds listeners, `dataset` fills data-*. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false || v === null) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = String(v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'checked' || k === 'selected' || k === 'disabled') node[k] = v === true;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c);
  return node;
}

/** A button (type=button unless given). */
export const button = (text, onclick, attrs = {}) =>
  el('button', { type: 'button', ...attrs, text, onclick });

/** Orders `1.2.0` before `1.10.0` (numeric parts; a pre-release sorts before its release). */
export function compareVersions(a, b) {
  const [coreA, preA] = a.split('-', 2);
  const [coreB, preB] = b.split('-', 2);
  const x = coreA.split('.').map(Number);
  const y = coreB.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}
