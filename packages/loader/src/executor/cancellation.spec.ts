import { describe, expect, it } from 'vitest';
import { Cancellation } from './cancellation.js';

describe('Cancellation', () => {
  it('creates a signal lazily that follows the abort, before or after', () => {
    const early = new Cancellation();
    const s = early.signal;
    expect(s.aborted).toBe(false);
    early.abort('why');
    expect(s.aborted).toBe(true);
    expect(s.reason).toBe('why');
    const late = new Cancellation();
    late.abort('later');
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe('later');
  });

  it('calls listeners once, and at once when already aborted', () => {
    const c = new Cancellation();
    const seen: unknown[] = [];
    c.onAbort((r) => seen.push(['a', r]));
    c.abort(1);
    c.abort(2);
    c.onAbort((r) => seen.push(['b', r]));
    expect(seen).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    expect(c.aborted).toBe(true);
    expect(c.reason).toBe(1);
  });
});
