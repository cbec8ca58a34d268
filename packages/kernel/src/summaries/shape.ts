import {
  type Static,
  type TLiteral,
  type TObject,
  type TSchema,
  type TUnion,
  Type,
} from '@sinclair/typebox';

/**
 * The TypeScript type of a summary schema, read-only all the way down: summaries are views
 * (built once, serialized, rendered), never edited in place.
 */
export type Shape<S extends TSchema> = DeepReadonly<Static<S>>;

/** `T` with every property and array read-only, recursively. */
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * One of a fixed list of strings. A union of literals rather than `Type.Unsafe({ enum })`, so
 * TypeBox's `Value.Check` and ajv both validate it and `Static<>` is the literal union.
 */
export function literals<const T extends readonly [string, ...string[]]>(
  values: T,
  options: { description?: string } = {},
): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  );
}

/**
 * The properties of `value` that `schema` declares, in the schema's order; absent (`undefined`)
 * ones are left out. A view built this way shows a field as soon as the schema names it.
 */
export function pickProperties<S extends TObject>(schema: S, value: Shape<S>): Shape<S> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const v = (value as Readonly<Record<string, unknown>>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as Shape<S>;
}
