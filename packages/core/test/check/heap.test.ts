import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeadlineHeap, type HeapItem } from '../../src/check/heap.js';

const item = (deadline: number): HeapItem & { id: number } => ({ deadline, heapIndex: -1, id: deadline });

describe('DeadlineHeap', () => {
  it('pops in deadline order, whatever the push order', () => {
    const h = new DeadlineHeap<HeapItem & { id: number }>();
    const values = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    for (const v of values) h.push(item(v));
    const out: number[] = [];
    for (let x = h.pop(); x; x = h.pop()) {
      assert.equal(x.heapIndex, -1);
      out.push(x.deadline);
    }
    assert.deepEqual(out, [...values].sort((a, b) => a - b));
  });

  it('removes any item in place and keeps the order; pushing again moves it', () => {
    const h = new DeadlineHeap<HeapItem & { id: number }>();
    const items = Array.from({ length: 100 }, (_, i) => item(i));
    for (const it of [...items].reverse()) h.push(it);
    for (const it of items.filter((x) => x.id % 3 === 0)) assert.equal(h.remove(it), true);
    assert.equal(h.remove(items[0] as HeapItem & { id: number }), false, 'already removed');
    const moved = items[1] as HeapItem & { id: number };
    moved.deadline = 1000;
    h.push(moved);
    const out: number[] = [];
    for (let x = h.pop(); x; x = h.pop()) out.push(x.id);
    const expected = items.filter((x) => x.id % 3 !== 0 && x.id !== 1).map((x) => x.id);
    assert.deepEqual(out, [...expected, 1]);
    assert.equal(h.size, 0);
  });

  it('peek gives the earliest; clear empties it and marks every item out', () => {
    const h = new DeadlineHeap<HeapItem & { id: number }>();
    const a = item(5);
    const b = item(3);
    h.push(a);
    h.push(b);
    assert.equal(h.peek(), b);
    h.clear();
    assert.equal(h.size, 0);
    assert.equal(a.heapIndex, -1);
    assert.equal(b.heapIndex, -1);
  });
});
