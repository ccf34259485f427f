import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { encodeDoubled } from '../../../src/ballot/encode-batch.js';
import {
  decodePoint,
  decodeScalar,
  deriveGenerator,
  encodeScalar,
  G,
  G_HALF,
  GENERATOR_DST,
  ORDER,
  Point,
} from '../../../src/ballot/group.js';

describe('group', () => {
  it('G comes from hash-to-curve with the protocol DST and is not the standard base point', () => {
    const recomputed = ristretto255_hasher.hashToCurve(new TextEncoder().encode('G'), {
      DST: GENERATOR_DST,
    });
    expect(Buffer.from(G.toBytes()).toString('hex')).toBe(
      Buffer.from(recomputed.toBytes()).toString('hex'),
    );
    expect(G.equals(ristretto255.Point.BASE)).toBe(false);
    expect(deriveGenerator('G').equals(G)).toBe(true);
    expect(deriveGenerator('H').equals(G)).toBe(false);
  });

  it('decodes a canonical point and rejects the identity, wrong lengths and non-canonical encodings', () => {
    const p = G.multiply(12345n).toBytes();
    expect(decodePoint(p).ok).toBe(true);
    expect(decodePoint(new Uint8Array(32)).ok).toBe(false); // identity
    expect(decodePoint(p.subarray(0, 31)).ok).toBe(false);
    // A "negative" field element (odd low bit) is never a canonical ristretto encoding.
    const odd = p.slice();
    odd[0] = (odd[0] ?? 0) | 1;
    expect(decodePoint(odd).ok).toBe(false);
    // A field element ≥ p (2^255 − 19 + 2, even) is non-canonical.
    const big = new Uint8Array(32).fill(0xff);
    big[0] = 0xed + 2;
    big[31] = 0x7f;
    expect(decodePoint(big).ok).toBe(false);
    // The high bit set is outside the encoding.
    const high = p.slice();
    high[31] = (high[31] ?? 0) | 0x80;
    expect(decodePoint(high).ok).toBe(false);
  });

  it('rejects points outside the prime-order group (random bytes mostly do not decode)', () => {
    let accepted = 0;
    for (let i = 0; i < 200; i++) {
      const b = crypto.getRandomValues(new Uint8Array(32));
      const r = decodePoint(b);
      if (r.ok) {
        accepted++;
        // Whatever decodes is in the group: n·P = 0.
        expect(
          r.value
            .multiplyUnsafe(ORDER - 1n)
            .add(r.value)
            .is0(),
        ).toBe(true);
      }
    }
    expect(accepted).toBeLessThan(60);
  });

  it('scalars are canonical: < order, 32 bytes little-endian', () => {
    expect(decodeScalar(encodeScalar(ORDER - 1n))).toEqual({ ok: true, value: ORDER - 1n });
    const n = new Uint8Array(32);
    let x = ORDER;
    for (let i = 0; i < 32; i++) {
      n[i] = Number(x & 0xffn);
      x >>= 8n;
    }
    expect(decodeScalar(n).ok).toBe(false);
    expect(decodeScalar(new Uint8Array(31)).ok).toBe(false);
    expect(Point.Fn.fromBytes(encodeScalar(5n))).toBe(5n);
  });

  it('batched double-and-encode equals the RFC 9496 encoding of 2·P (both sign branches, identity)', () => {
    const points = Array.from({ length: 300 }, () =>
      G.multiplyUnsafe(BigInt(1 + Math.floor(Math.random() * 2 ** 48)) * 7919n),
    );
    points.push(Point.ZERO, G, G.negate(), G_HALF);
    const got = encodeDoubled(points);
    points.forEach((p, i) =>
      expect(Buffer.from(got[i] ?? []).toString('hex'), `point ${i}`).toBe(
        Buffer.from(p.add(p).toBytes()).toString('hex'),
      ),
    );
    expect(G_HALF.add(G_HALF).equals(G)).toBe(true);
    expect(encodeDoubled([])).toEqual([]);
  });
});
