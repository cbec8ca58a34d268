import { readFile } from 'node:fs/promises';
import { ERROR_CODES, renderErrorReference } from '@chassis/kernel/errors';
import { describe, expect, it } from 'vitest';

describe('docs/errors.md', () => {
  it('matches the kernel error registry (regenerate: node scripts/errors-doc.mjs)', async () => {
    const page = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8');
    expect(page).toBe(renderErrorReference());
  });

  it('lists every code with its status and a what-to-do column', () => {
    const page = renderErrorReference();
    for (const [code, spec] of Object.entries(ERROR_CODES))
      expect(page).toMatch(
        new RegExp(
          `^- \\*\\*\`${code}\`\\*\\* \\(HTTP ${spec.status}\\): .+\\. What to do: .+\\.$`,
          'm',
        ),
      );
  });
});
