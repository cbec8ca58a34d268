import { describe, expect, it } from 'vitest';
import { limitsLine } from './drivers-render.js';

describe('limitsLine (drivers show)', () => {
  it.each([
    {
      why: 'defaults',
      limits: {
        heapMb: 256,
        maxMessageBytes: 16 * 1024 * 1024,
        env: [],
        permissions: { childProcess: false, worker: false, addons: false, read: [] },
      },
      want: 'limits heap 256 MiB · messages 16 MiB · env - · grants -',
    },
    {
      why: 'an allow-list and grants',
      limits: {
        heapMb: 128,
        maxMessageBytes: 1536 * 1024,
        env: ['TZ', 'HTTPS_PROXY'],
        permissions: { childProcess: true, worker: false, addons: true, read: ['/etc/ssl'] },
      },
      want: 'limits heap 128 MiB · messages 1.5 MiB · env TZ, HTTPS_PROXY · grants childProcess, addons, read:/etc/ssl',
    },
  ])('$why', ({ limits, want }) => {
    expect(limitsLine(limits)).toBe(want);
  });
});
