import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeCanonical,
  encodeCanonical,
  type Canonical,
} from '../../../src/protocol/encoding.js';

const value: fc.Arbitrary<Canonical> = fc.letrec<{ v: Canonical }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string(),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('v'), { maxKeys: 4 }),
  ),
})).v;

describe('canonical encoding', () => {
  it('round-trips every value of the data model', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encodeCanonical(v);
        const back = decodeCanonical(bytes);
        expect(back.ok).toBe(true);
        if (back.ok) expect(encodeCanonical(back.value)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses non-canonical encodings of the same value', () => {
    // 1 as a two-byte integer (0x18 0x01) instead of the one-byte 0x01: cborg's strict
    // mode already refuses it as malformed, before the re-encode check.
    expect(decodeCanonical(Uint8Array.of(0x18, 0x01)).ok).toBe(false);
    // A map with keys out of order: {"b":1,"a":2}.
    const unsorted = Uint8Array.of(0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02);
    expect(decodeCanonical(unsorted)).toEqual({ ok: false, error: { kind: 'non-canonical' } });
  });

  it('never throws on arbitrary bytes, and accepts only the canonical encoding of a value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = decodeCanonical(bytes);
        if (r.ok) expect(encodeCanonical(r.value)).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses values outside the data model when encoding (a bug, so it throws)', () => {
    expect(() => encodeCanonical(1.5)).toThrow(/safe integers/);
    expect(() => encodeCanonical({ a: undefined } as unknown as Canonical)).toThrow(/undefined/);
  });
});
