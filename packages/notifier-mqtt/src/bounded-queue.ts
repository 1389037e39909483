/**
 * A FIFO of at most `capacity` items that drops its oldest item to make room: a ring buffer, so that
 * push and shift are O(1) however full it is.
 */
export class BoundedQueue<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends; returns the item dropped to make room, if one was. */
  push(item: T): { dropped: T } | undefined {
    let dropped: { dropped: T } | undefined;
    if (this.count === this.capacity) dropped = { dropped: this.shift() as T };
    this.items[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return dropped;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }

  clear(): number {
    const n = this.count;
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
    return n;
  }
}
