/** An entry of a DeadlineHeap: it knows its place so that it can be removed in O(log n). */
export interface HeapItem {
  /** Monotonic milliseconds. */
  deadline: number;
  /** Index in the heap, -1 when not in it. */
  heapIndex: number;
}

/**
 * A binary min-heap on absolute deadlines: push, pop and remove are O(log n), peek O(1), so
 * 10,000 jobs cost a few comparisons per check and the scheduler needs one timer in all.
 */
export class DeadlineHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    if (item.heapIndex >= 0) this.remove(item);
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top) this.remove(top);
    return top;
  }

  remove(item: T): boolean {
    const i = item.heapIndex;
    if (i < 0 || this.items[i] !== item) return false;
    const last = this.items.pop() as T;
    item.heapIndex = -1;
    if (i < this.items.length) {
      this.items[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(last.heapIndex);
    }
    return true;
  }

  clear(): void {
    for (const it of this.items) it.heapIndex = -1;
    this.items.length = 0;
  }

  private up(i: number): void {
    const a = this.items;
    const item = a[i] as T;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p] as T;
      if (parent.deadline <= item.deadline) break;
      a[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    a[i] = item;
    item.heapIndex = i;
  }

  private down(i: number): void {
    const a = this.items;
    const n = a.length;
    const item = a[i] as T;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (a[r] as T).deadline < (a[l] as T).deadline ? r : l;
      const child = a[c] as T;
      if (child.deadline >= item.deadline) break;
      a[i] = child;
      child.heapIndex = i;
      i = c;
    }
    a[i] = item;
    item.heapIndex = i;
  }
}
