import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bootstrapUrl } from './bootstrap-path.js';

/** The bare specifiers a bundle loads (imports, dynamic imports and requires). */
function specifiers(source: string): string[] {
  return [
    ...source.matchAll(
      /\bfrom\s*["']([^"']+)["']|\bimport\s*\(?\s*["']([^"']+)["']|\brequire\(\s*["']([^"']+)["']/g,
    ),
  ]
    .map((m) => m[1] ?? m[2] ?? m[3])
    .filter((s) => s !== undefined);
}

describe('bootstrapUrl', () => {
  it.each([
    { tier: 'worker', file: 'guest-worker.cjs' },
    { tier: 'process', file: 'guest-process.cjs' },
  ] as const)(
    '$tier: the one-file CommonJS bundle $file, booted without a module graph',
    ({ tier, file }) => {
      const url = bootstrapUrl(tier);
      expect(url.pathname.endsWith(`/dist/${file}`)).toBe(true);
      const source = readFileSync(fileURLToPath(url), 'utf8');
      // Only Node's built-ins: the guest, the kernel's errors and messages are inside.
      expect(specifiers(source).filter((s) => !s.startsWith('node:'))).toEqual([]);
      expect(source).toContain('CHASSIS_E_LOADER_MESSAGE_TOO_LARGE');
      // CommonJS: an ES module as a worker's or child's main costs that thread about 4.7 ms more
      // CPU per start (the driver's own entry is still imported as ESM).
      expect(source).toContain('require("node:worker_threads")');
      expect(source).not.toMatch(/^\s*(import|export)\s/m);
    },
  );

  it("the worker's bundle loads none of the process tier's channel (node:net, node:v8)", () => {
    const worker = specifiers(readFileSync(fileURLToPath(bootstrapUrl('worker')), 'utf8'));
    const processTier = specifiers(readFileSync(fileURLToPath(bootstrapUrl('process')), 'utf8'));
    // Positive control: the process tier's bundle does load them.
    expect(processTier).toEqual(expect.arrayContaining(['node:net', 'node:v8']));
    expect(worker).not.toContain('node:net');
    expect(worker).not.toContain('node:v8');
  });
});
