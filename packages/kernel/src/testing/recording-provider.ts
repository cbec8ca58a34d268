/** One operation a {@link recordingProvider} received. */
export interface RecordedCall {
  readonly method: string;
  /** The operation's arguments, after the context. */
  readonly args: unknown[];
  /** The context's property bag. */
  readonly props: unknown;
  /** The id of the context's resource. */
  readonly resource: string;
}

/**
 * An implementation of any driver contract `T` for facade tests: every method records what it
 * received in `calls` and answers `{ method }`, so a test checks what the facade sent and
 * that the answer came back, without writing a stub per operation.
 */
export function recordingProvider<T extends object>(): { provider: T; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const provider = new Proxy({} as T, {
    get:
      (_target, method: string) =>
      (ctx: { properties: unknown; resource: { id: string } }, ...args: unknown[]) => {
        calls.push({ method, args, props: ctx.properties, resource: ctx.resource.id });
        return { method };
      },
  });
  return { provider, calls };
}
