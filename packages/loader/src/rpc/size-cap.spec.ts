import { describe, expect, it } from 'vitest';
import { capGuestMessage, cloneSizeOver, hostMessageLimit } from './size-cap.js';

const LIMIT = 1024;
const big = 'x'.repeat(LIMIT);

describe('capGuestMessage', () => {
  it.each<{ name: string; m: { t: string } & Record<string, unknown>; capped: boolean }>([
    { name: 'a small result', m: { t: 'result', id: 1, value: 'ok' }, capped: false },
    { name: 'a big result', m: { t: 'result', id: 1, value: big }, capped: true },
    { name: 'a big error', m: { t: 'error', id: 1, error: { message: big } }, capped: true },
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
    if (capped && m.t !== 'log') expect(out).toMatchObject({ t: 'error', id: 1 });
    if (capped && m.t === 'log')
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
