/**
 * The data-only shape of `T` as it crosses an isolation boundary (structured clone or JSON):
 * functions and symbol keys are dropped, nested objects and arrays are mapped recursively.
 */
// biome-ignore lint/suspicious/noExplicitAny: matching any function type is the point here.
export type Dto<T> = T extends (...args: any[]) => any
  ? never
  : T extends Date
    ? Date
    : T extends ReadonlyArray<infer U>
      ? Dto<U>[]
      : T extends object
        ? {
            -readonly [K in keyof T as K extends symbol
              ? never
              : // biome-ignore lint/suspicious/noExplicitAny: see above.
                T[K] extends (...args: any[]) => any
                ? never
                : K]: Dto<T[K]>;
          }
        : T;
