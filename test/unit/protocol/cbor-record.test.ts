import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordEncoder } from '../../../src/protocol/cbor-record.js';
import { encodeCanonical } from '../../../src/protocol/encoding.js';
import { toHex } from '../../../src/protocol/hash.js';
import { encodeHeader, type Header } from '../../../src/protocol/header.js';

const uint = fc.oneof(
  fc.integer({ min: 0, max: 30 }),
  fc.integer({ min: 0, max: 0x1ffff }),
  fc.integer({ min: 0, max: 2 ** 33 }),
  fc.maxSafeNat(),
  fc.constantFrom(23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER),
);
const value = fc.oneof(
  uint,
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
);

describe('recordEncoder', () => {
  it('is byte-identical to encodeCanonical for any keys and values', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(value, { minLength: 12, maxLength: 12 }),
        (keys, values) => {
          const record = Object.fromEntries(keys.map((k, i) => [k, values[i] as never]));
          expect(toHex(recordEncoder(keys)(record))).toBe(toHex(encodeCanonical(record)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('encodes headers as encodeCanonical does', () => {
    const h32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(
        fc.record({
          chainId: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,49}$/),
          height: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          time: fc.maxSafeNat(),
          lastBlockId: h32,
          dataHash: h32,
          validatorsHash: h32,
          nextValidatorsHash: h32,
          appHash: h32,
        }),
        (h: Header) => {
          expect(toHex(encodeHeader(h))).toBe(toHex(encodeCanonical({ ...h })));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('throws on values outside its model', () => {
    const enc = recordEncoder(['a', 'b']);
    expect(() => enc({ a: -1, b: 1 })).toThrow(TypeError);
    expect(() => enc({ a: 1.5, b: 1 })).toThrow(TypeError);
    expect(() => enc({ a: 1 } as never)).toThrow(TypeError);
    expect(() => recordEncoder(['a', 'a'])).toThrow(TypeError);
  });
});
