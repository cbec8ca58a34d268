import { describe, expect, it } from 'vitest';
import type { GuestMessage } from './protocol.js';
import { capGuestMessage, cloneSizeOver, hostMessageLimit } from './size-cap.js';

const LIMIT = 1024;
const big = 'x'.repeat(LIMIT);

describe('capGuestMessage', () => {
  it.each<{ name: string; m: GuestMessage; capped: boolean }>([
    { name: 'a small result', m: [1, 'ok'], capped: false },
    { name: 'a big result', m: [1, big], capped: true },
    {
      name: 'a big error',
      m: { t: 'error', id: 1, error: { name: 'Error', code: 'X', details: {}, message: big } },
      capped: true,
    },
    {
      name: 'a small log record',
      m: { t: 'log', level: 'info', bindings: { a: 1 }, fields: {}, msg: 'hi' },
      capped: false,
    },
    {
      name: 'a log record with big fields',
      m: { t: 'log', level: 'info', bindings: {}, fields: { big }, msg: 'hi' },
      capped: true,
    },
    {
      name: 'a log record with big bindings (logger.child)',
      m: { t: 'log', level: 'info', bindings: { big }, fields: {}, msg: 'hi' },
      capped: true,
    },
    { name: 'a pong', m: { t: 'pong', id: 1 }, capped: false },
  ])('$name: capped $capped', ({ m, capped }) => {
    const out = capGuestMessage(m, LIMIT);
    expect(out !== m).toBe(capped);
    // Whatever is sent stays within the host's cap for the same limit.
    expect(cloneSizeOver(out, hostMessageLimit(LIMIT))).toBeLessThanOrEqual(
      hostMessageLimit(LIMIT),
    );
    const isLog = !Array.isArray(m) && (m as { t: string }).t === 'log';
    if (capped && !isLog) expect(out).toMatchObject({ t: 'error', id: 1 });
    if (capped && isLog)
      expect(out).toMatchObject({
        bindings: {},
        fields: { code: 'CHASSIS_E_LOADER_MESSAGE_TOO_LARGE' },
      });
  });
});

describe('hostMessageLimit', () => {
  it.each([
    { max: undefined, limit: 16 * 1024 * 1024 + 64 * 1024 },
    { max: 1024 * 1024, limit: 1024 * 1024 + 64 * 1024 },
  ])('maxMessageBytes $max → $limit', ({ max, limit }) => {
    expect(hostMessageLimit(max)).toBe(limit);
  });
});

describe('cloneSizeOver', () => {
  const shared = { s: 'x'.repeat(100) };
  const cyclic: Record<string, unknown> = { a: 'a' };
  cyclic.self = cyclic;
  let deep: unknown = 'leaf';
  for (let i = 0; i < 40; i++) deep = [deep];
  it.each<{ name: string; value: unknown; size?: number; over?: boolean }>([
    { name: 'a number', value: 1, size: 16 },
    { name: 'a string (2 bytes a character)', value: 'abc', size: 22 },
    { name: 'a plain object', value: { ab: 'c' }, size: 16 + 4 + 16 + 2 },
    { name: 'an array', value: [1, 2], size: 48 },
    { name: 'a typed array', value: new Uint8Array(100), size: 116 },
    { name: 'a Map (exact walk)', value: new Map([['k', 1]]), size: 16 + 18 + 16 },
    { name: 'a Date (exact walk)', value: new Date(0), size: 16 },
    { name: 'a cycle (exact walk)', value: cyclic, size: 16 + 2 + 18 + 8 + 16 },
    { name: 'deeper than the plain walk (exact walk)', value: deep, size: 41 * 16 + 8 },
    // Once under the budget the plain walk may count a shared reference twice (never less)…
    { name: 'a shared reference, under the cap', value: [shared, shared], size: 16 + 2 * 234 },
    { name: 'a big string', value: 'x'.repeat(600), over: true },
    // …but a value only over the cap by counting shares again is measured exactly: sent once.
    { name: 'shared 8 times, exact walk', value: Array(8).fill(shared), size: 16 + 8 * 16 + 218 },
  ])('$name', ({ value, size, over }) => {
    const got = cloneSizeOver(value, 1024);
    if (over) expect(got).toBeGreaterThan(1024);
    else expect(got).toBe(size);
  });
});
