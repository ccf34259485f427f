import { describe, expect, it } from 'vitest';
import { chunk } from '../../../src/sync/delivery.js';

const b = (n: number) => new Uint8Array(n);

describe('batch chunking', () => {
  it('respects the item and byte caps, keeps order, and sends an oversized item alone', () => {
    const items = [b(4), b(4), b(4), b(9), b(1), b(1), b(1)];
    const out = chunk(items, 3, 8, (x) => x);
    expect(out.map((c) => c.map((x) => x.byteLength))).toEqual([[4, 4], [4], [9], [1, 1, 1]]);
    expect(out.flat()).toEqual(items);
    expect(chunk([], 3, 8, (x: Uint8Array) => x)).toEqual([]);
    expect(chunk([b(1), b(1), b(1), b(1)], 2, Infinity, (x) => x).map((c) => c.length)).toEqual([
      2, 2,
    ]);
  });
});
