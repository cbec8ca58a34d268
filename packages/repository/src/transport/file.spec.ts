import { describe, expect, it } from 'vitest';
import { chunkSize } from './file.js';

describe('chunkSize', () => {
  it.each([
    [0, 64 * 1024],
    [1_000, 64 * 1024],
    [200 * 1024, 200 * 1024],
    [1024 * 1024, 1024 * 1024],
    [5 * 1024 * 1024, 1024 * 1024],
  ])('a %i-byte file is read %i bytes at a time', (size, chunk) => {
    expect(chunkSize(size)).toBe(chunk);
  });
});
