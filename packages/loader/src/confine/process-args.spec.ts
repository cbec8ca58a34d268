import { describe, expect, it } from 'vitest';
import { confinedExecArgv } from './process-args.js';

const base = {
  flags: { enable: '--permission', addons: true },
  carDir: '/cache/abc',
  bootDirs: ['/boot/dist/'],
  scratchDir: '/tmp/s1',
  permissions: { read: [], childProcess: false, worker: false, addons: false },
};

describe('confinedExecArgv', () => {
  it.each([
    ['the CAR folder with its wildcard spelled out', {}, '--allow-fs-read=/cache/abc/*'],
    ['a trailing slash is not doubled', { carDir: '/cache/abc/' }, '--allow-fs-read=/cache/abc/*'],
    ['boot folders as folders', {}, '--allow-fs-read=/boot/dist/'],
    ['scratch readable', {}, '--allow-fs-read=/tmp/s1/'],
    ['scratch writable, nothing else', {}, '--allow-fs-write=/tmp/s1/'],
    ['the heap cap', { heapMb: 64 }, '--max-old-space-size=64'],
  ])('%s', (_, over, flag) => {
    expect(
      confinedExecArgv({ ...base, ...over } as Parameters<typeof confinedExecArgv>[0]),
    ).toContain(flag);
  });

  it('grants nothing that was not granted', () => {
    const args = confinedExecArgv(base as Parameters<typeof confinedExecArgv>[0]);
    expect(args.filter((a) => a.startsWith('--allow-fs-write'))).toEqual([
      '--allow-fs-write=/tmp/s1/',
    ]);
    expect(args.some((a) => /child-process|allow-worker|allow-addons/.test(a))).toBe(false);
  });
});
