// Preload for forward-profile.mjs (`node --import ./bench/count-hooks.mjs …`): wraps a few
// globals to count, per call, what a forwarded call allocates or arms (signals, timers,
// listeners, HMACs, hashes, buffers, JSON passes): a measure a loaded machine cannot disturb.
import crypto from 'node:crypto';

globalThis.__counts = {};
const bump = (k) => {
  globalThis.__counts[k] = (globalThis.__counts[k] ?? 0) + 1;
};
const AC = globalThis.AbortController;
globalThis.AbortController = class extends AC {
  constructor() {
    super();
    bump('AbortController');
  }
};
const st = globalThis.setTimeout;
globalThis.setTimeout = function (...a) {
  bump('setTimeout');
  return st.apply(this, a);
};
const ct = globalThis.clearTimeout;
globalThis.clearTimeout = function (...a) {
  if (a[0] !== undefined) bump('clearTimeout');
  return ct.apply(this, a);
};
const ael = EventTarget.prototype.addEventListener;
EventTarget.prototype.addEventListener = function (...a) {
  bump(`EventTarget.add(${a[0]})`);
  return ael.apply(this, a);
};
const rel = EventTarget.prototype.removeEventListener;
EventTarget.prototype.removeEventListener = function (...a) {
  bump(`EventTarget.remove(${a[0]})`);
  return rel.apply(this, a);
};
const ch = crypto.createHmac;
crypto.createHmac = function (...a) {
  bump('createHmac');
  return ch.apply(this, a);
};
const bc = Buffer.concat;
Buffer.concat = function (...a) {
  bump('Buffer.concat');
  return bc.apply(this, a);
};
const bf = Buffer.from;
Buffer.from = function (...a) {
  bump('Buffer.from');
  return bf.apply(this, a);
};
const jp = JSON.parse;
JSON.parse = function (...a) {
  bump('JSON.parse');
  return jp.apply(this, a);
};
const js = JSON.stringify;
JSON.stringify = function (...a) {
  bump('JSON.stringify');
  return js.apply(this, a);
};
const hh = crypto.hash;
crypto.hash = function (...a) {
  bump('crypto.hash');
  return hh.apply(this, a);
};
const { syncBuiltinESMExports } = await import('node:module');
syncBuiltinESMExports();
