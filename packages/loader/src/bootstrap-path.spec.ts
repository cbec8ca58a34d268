import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bootstrapUrl } from './bootstrap-path.js';

describe('bootstrapUrl', () => {
  it('is the one-file CommonJS bundle of the guest: every worker and child boots without a module graph', () => {
    const url = bootstrapUrl();
    expect(url.pathname.endsWith('/dist/guest-bootstrap.cjs')).toBe(true);
    const source = readFileSync(fileURLToPath(url), 'utf8');
    const specifiers = [
      ...source.matchAll(
        /\bfrom\s*["']([^"']+)["']|\bimport\s*\(?\s*["']([^"']+)["']|\brequire\(\s*["']([^"']+)["']/g,
      ),
    ]
      .map((m) => m[1] ?? m[2] ?? m[3])
      .filter((s) => s !== undefined);
    // Only Node's built-ins: the guest, the kernel's errors and messages are inside.
    expect(specifiers.filter((s) => !s.startsWith('node:'))).toEqual([]);
    expect(source).toContain('CHASSIS_E_LOADER_MESSAGE_TOO_LARGE');
    // CommonJS: an ES module as a worker's or child's main costs Node's ESM loader about 9 ms
    // of that thread's CPU more (the driver's own entry is still imported as ESM).
    expect(source).toContain('require("node:worker_threads")');
    expect(source).not.toMatch(/^\s*(import|export)\s/m);
  });
});
