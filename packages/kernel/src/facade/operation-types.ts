// biome-ignore-all lint/suspicious/noExplicitAny: matching any function type is the point here.

/** The names of `T`'s methods (the operations of a driver contract). */
export type OperationName<T> = {
  [K in keyof T]-?: T[K] extends (...args: any[]) => any ? K : never;
}[keyof T] &
  string;

/** The arguments of a driver operation after its context: `(ctx, a, b) => …` gives `[a, b]`. */
export type OperationArgs<F> = F extends (ctx: any, ...args: infer A) => any ? A : never;

/** What a driver operation resolves to. */
export type OperationResult<F> = F extends (...args: any[]) => infer R ? Awaited<R> : never;

/** A value or a promise of it: drivers may answer synchronously. */
export type Awaitable<T> = T | Promise<T>;
