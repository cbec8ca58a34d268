import { describe, expect, it } from 'vitest';
import { table } from './table.js';

describe('table', () => {
  it('aligns columns without borders', () => {
    expect(
      table(
        ['ID', 'STATE'],
        [
          ['a', 'Running'],
          ['longer-id', 'Failed'],
        ],
      ),
    ).toBe(['ID         STATE', 'a          Running', 'longer-id  Failed'].join('\n'));
  });

  it('keeps a value with newlines inside its cell (the next column stays aligned)', () => {
    const out = table(['SUBJECT', 'SIGNED'], [['CN=vendor\nO=Example', 'yes']]);
    const lines = out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^CN=vendor\s+yes$/);
    expect(lines[2]).toBe('O=Example');
    expect(lines[1]?.indexOf('yes')).toBe(lines[0]?.indexOf('SIGNED'));
  });
});
