/**
 * A binary min-heap. Kahn's algorithm picks the smallest ready node at every step; a heap keeps
 * that O(log n) instead of re-sorting the ready list (which made the plan O(n² log n)).
 */
export class MinHeap<T> {
  readonly #items: T[] = [];
  readonly #less: (a: T, b: T) => boolean;

  constructor(less: (a: T, b: T) => boolean) {
    this.#less = less;
  }

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  /** Removes and returns the smallest item; `undefined` when empty. */
  pop(): T | undefined {
    const items = this.#items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop() as T;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < items.length && this.#less(items[l], items[min])) min = l;
        if (r < items.length && this.#less(items[r], items[min])) min = r;
        if (min === i) break;
        [items[i], items[min]] = [items[min], items[i]];
        i = min;
      }
    }
    return top;
  }
}
