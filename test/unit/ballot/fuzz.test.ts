import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReveal, challengeBallot } from '../../../src/ballot/challenge.js';
import { decodeSignedEnvelope } from '../../../src/ballot/envelope.js';
import { verifyEnvelope, verifyUnsignedEnvelope } from '../../../src/ballot/verify-envelope.js';
import { fixture, kioskSigner, seal } from './fixtures.js';

const { ctx } = fixture();
const sealed = seal(ctx, [[0, 1, 0, 0]], { style: 'mayor' });
const revealBytes = challengeBallot(sealed, kioskSigner).signed.bytes;

const mutate = (bytes: Uint8Array, edits: [number, number][]): Uint8Array => {
  const out = bytes.slice();
  for (const [pos, xor] of edits) out[pos % out.length] = (out[pos % out.length] ?? 0) ^ xor;
  return out;
};
const edits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), {
  minLength: 1,
  maxLength: 4,
});

describe('hostile bytes never crash the verifier', () => {
  it('mutated envelopes are rejected as values, never thrown', () => {
    fc.assert(
      fc.property(edits, (e) => {
        const bytes = mutate(sealed.signed.bytes, e);
        const r = verifyUnsignedEnvelope(ctx, bytes);
        // Two edits at one position can cancel out; then the bytes are the original.
        if (Buffer.from(bytes).equals(Buffer.from(sealed.signed.bytes))) return;
        expect(r.ok).toBe(false);
        expect(
          verifyEnvelope(ctx, { bytes, signature: sealed.signed.signature }, kioskSigner.publicKey)
            .ok,
        ).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('random and truncated inputs decode to errors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (junk, cut) => {
        expect(verifyUnsignedEnvelope(ctx, junk).ok).toBe(false);
        expect(decodeSignedEnvelope(junk).ok).toBe(false);
        expect(parseReveal(junk).ok).toBe(false);
        const truncated = sealed.signed.bytes.subarray(0, cut % sealed.signed.bytes.length);
        expect(verifyUnsignedEnvelope(ctx, truncated).ok).toBe(false);
        expect(parseReveal(revealBytes.subarray(0, cut % revealBytes.length)).ok).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});
