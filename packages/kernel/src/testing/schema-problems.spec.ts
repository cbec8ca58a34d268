import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { schemaProblems } from './schema-problems.js';

const schema = Type.Object({
  id: Type.String(),
  at: Type.Optional(Type.String({ format: 'date-time' })),
  moves: Type.Array(Type.Object({ id: Type.String() })),
  bag: Type.Record(Type.String(), Type.Unknown()),
});

describe('schemaProblems', () => {
  it.each([
    ['a valid value', { id: 'a', moves: [{ id: 'm' }], bag: { x: 1 } }, []],
    ['a wrong type', { id: 1, moves: [], bag: {} }, ['/id: Expected string']],
    [
      'a bad date-time',
      { id: 'a', at: 'soon', moves: [], bag: {} },
      ["/at: Expected string to match 'date-time' format"],
    ],
    [
      'an undeclared property',
      { id: 'a', moves: [], bag: {}, extra: 1 },
      ['/extra: not in the schema'],
    ],
    [
      'an undeclared nested one',
      { id: 'a', moves: [{ id: 'm', x: 1 }], bag: {} },
      ['/moves/0/x: not in the schema'],
    ],
  ])('%s', (_why, value, want) => {
    expect(schemaProblems(schema, value)).toEqual(want);
  });
});
