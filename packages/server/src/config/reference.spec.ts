import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderConfigReference } from './reference.js';
import { ServerConfigSchema } from './schema.js';

describe('CONFIG.md', () => {
  it('is the reference generated from the schema (pnpm --filter @chassis/server config-doc)', async () => {
    const committed = await readFile(new URL('../../CONFIG.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderConfigReference());
  });

  it('documents every field of the schema', () => {
    const text = renderConfigReference();
    for (const key of Object.keys(ServerConfigSchema.properties))
      expect(text).toContain(`## \`${key}\``);
    expect(text).toContain('## `admin.tokens[].role`');
  });
});
