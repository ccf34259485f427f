import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import {
  ballotId,
  coarseTime,
  decodeEnvelope,
  decodeSignedEnvelope,
  encodeSignedEnvelope,
  envelopeSigningMessage,
  TIME_GRANULARITY_S,
} from '../../../src/ballot/envelope.js';
import { encodePoint, G } from '../../../src/ballot/group.js';
import { verifyEnvelope } from '../../../src/ballot/verify-envelope.js';
import { encodeCanonical } from '../../../src/protocol/encoding.js';
import { TAG, taggedHash } from '../../../src/protocol/hash.js';
import { fixture, kioskSigner, otherSigner, resign, SAMPLE_CHOICES, seal, at } from './fixtures.js';

const { ctx } = fixture();
const sealed = seal(ctx, SAMPLE_CHOICES);
const e = sealed.envelope;

describe('envelope', () => {
  it('verifies, and its id is the tagged hash of its bytes', () => {
    const v = verifyEnvelope(ctx, sealed.signed, kioskSigner.publicKey);
    expect(v.ok).toBe(true);
    expect(sealed.ballotId).toEqual(taggedHash(TAG.ballotId, sealed.signed.bytes));
    expect(ballotId(sealed.signed.bytes)).toEqual(sealed.ballotId);
    expect(e.time % TIME_GRANULARITY_S).toBe(0);
  });

  it('node:crypto signatures verify with noble ed25519, and fail on other bytes or keys', () => {
    const msg = envelopeSigningMessage(sealed.signed.bytes);
    expect(ed25519.verify(sealed.signed.signature, msg, kioskSigner.publicKey)).toBe(true);
    expect(ed25519.getPublicKey(new Uint8Array(32).fill(7))).toEqual(kioskSigner.publicKey);
    expect(ed25519.sign(msg, new Uint8Array(32).fill(7))).toEqual(sealed.signed.signature);
    expect(verifyEnvelope(ctx, sealed.signed, otherSigner.publicKey)).toMatchObject({
      ok: false,
      error: { kind: 'bad-signature' },
    });
    const registry = new Map([['kiosk-1', kioskSigner.publicKey]]);
    expect(verifyEnvelope(ctx, sealed.signed, (id) => registry.get(id)).ok).toBe(true);
    expect(verifyEnvelope(ctx, sealed.signed, () => undefined)).toMatchObject({
      ok: false,
      error: { kind: 'unknown-kiosk', kioskId: 'kiosk-1' },
    });
    const bad = { ...sealed.signed, signature: sealed.signed.signature.slice() };
    bad.signature[5] = (bad.signature[5] ?? 0) ^ 1;
    expect(verifyEnvelope(ctx, bad, kioskSigner.publicKey)).toMatchObject({
      ok: false,
      error: { kind: 'bad-signature' },
    });
  });

  it('round-trips through the wire form and rejects non-canonical bytes', () => {
    const wire = encodeSignedEnvelope(sealed.signed);
    const back = decodeSignedEnvelope(wire);
    expect(back.ok && back.value.bytes).toEqual(sealed.signed.bytes);
    // The same map with an integer in a longer form than needed is not canonical.
    const bytes = sealed.signed.bytes;
    const idx = Buffer.from(bytes).indexOf(Buffer.from('kioskSeq'));
    expect(idx).toBeGreaterThan(0);
    const longer = new Uint8Array([
      ...bytes.subarray(0, idx + 8),
      0x18,
      0x00,
      ...bytes.subarray(idx + 9),
    ]);
    const r = decodeEnvelope(longer);
    // cborg's strict mode already refuses it; the re-encoding check is the second line.
    expect(r.ok ? 'accepted' : r.error.kind).toMatch(/^(malformed|non-canonical)$/);
  });

  it('rejects a changed confirmation code, a fine-grained time and a time outside the window', () => {
    const code = e.confirmationCode.slice();
    code[0] = (code[0] ?? 0) ^ 1;
    const badCode = resign({ ...e, confirmationCode: code }, kioskSigner, false);
    expect(verifyEnvelope(ctx, badCode, kioskSigner.publicKey)).toMatchObject({
      ok: false,
      error: { kind: 'bad-confirmation-code' },
    });
    const fine = resign({ ...e, time: e.time + 17 });
    expect(verifyEnvelope(ctx, fine, kioskSigner.publicKey)).toMatchObject({
      ok: false,
      error: { kind: 'malformed' },
    });
    const late = resign({ ...e, time: coarseTime(ctx.election.window.closes + 3600) });
    expect(verifyEnvelope(ctx, late, kioskSigner.publicKey)).toMatchObject({
      ok: false,
      error: { kind: 'outside-window' },
    });
  });

  it('rejects non-canonical and off-group points and non-canonical scalars', () => {
    const withAlpha = (alpha: Uint8Array) =>
      resign({
        ...e,
        ciphertexts: e.ciphertexts.map((row, ci) =>
          row.map((ct, oi) => (ci === 1 && oi === 2 ? { ...ct, alpha } : ct)),
        ),
      });
    const odd = e.ciphertexts[1]?.[2]?.alpha.slice() as Uint8Array;
    odd[0] = (odd[0] ?? 0) | 1;
    expect(verifyEnvelope(ctx, withAlpha(odd), kioskSigner.publicKey)).toMatchObject({
      ok: false,
      error: { kind: 'bad-point', contest: 1, option: 2 },
    });
    expect(verifyEnvelope(ctx, withAlpha(new Uint8Array(32)), kioskSigner.publicKey)).toMatchObject(
      { ok: false, error: { kind: 'bad-point' } },
    );
    // A valid point that is not the one proven: the proof fails.
    expect(verifyEnvelope(ctx, withAlpha(encodePoint(G)), kioskSigner.publicKey)).toMatchObject({
      ok: false,
      error: { kind: 'bad-selection-proof', contest: 1, option: 2 },
    });
    const bigScalar = new Uint8Array(32).fill(0xff);
    const proofs = e.proofs.map((p, ci) =>
      ci === 0
        ? {
            ...p,
            selections: p.selections.map((s, oi) =>
              oi === 0 ? { ...s, v: [bigScalar, ...s.v.slice(1)] } : s,
            ),
          }
        : p,
    );
    expect(verifyEnvelope(ctx, resign({ ...e, proofs }), kioskSigner.publicKey)).toMatchObject({
      ok: false,
      error: { kind: 'bad-scalar' },
    });
  });

  it('the same ciphertexts and proofs replayed under another nullifier, seq or kiosk fail', () => {
    const other = crypto.getRandomValues(new Uint8Array(32));
    for (const changed of [
      { ...e, nullifier: other },
      { ...e, kioskSeq: e.kioskSeq + 1 },
      { ...e, kioskId: 'kiosk-2' },
    ]) {
      const r = verifyEnvelope(ctx, resign(changed), kioskSigner.publicKey);
      expect(r).toMatchObject({
        ok: false,
        error: { kind: 'bad-selection-proof', contest: 0, option: 0 },
      });
    }
  });

  it('a ballot verified against another election (different hash and key) fails', () => {
    const other = fixture('e-2026-other');
    const r = verifyEnvelope(other.ctx, sealed.signed, kioskSigner.publicKey);
    expect(r).toMatchObject({ ok: false, error: { kind: 'wrong-election' } });
    const moved = resign({ ...e, electionId: 'e-2026-other' });
    expect(verifyEnvelope(other.ctx, moved, kioskSigner.publicKey)).toMatchObject({
      ok: false,
      error: { kind: 'bad-selection-proof' },
    });
  });

  it('a swapped proof or shape mismatch fails', () => {
    const swapped = resign({
      ...e,
      proofs: [at(e.proofs, 1), at(e.proofs, 0), ...e.proofs.slice(2)],
    });
    expect(verifyEnvelope(ctx, swapped, kioskSigner.publicKey).ok).toBe(false);
    const short = resign({ ...e, ciphertexts: e.ciphertexts.slice(1) });
    expect(verifyEnvelope(ctx, short, kioskSigner.publicKey)).toMatchObject({
      ok: false,
      error: { kind: 'wrong-shape' },
    });
    expect(decodeEnvelope(encodeCanonical({ ...e, extra: 1 }))).toMatchObject({
      ok: false,
      error: { kind: 'malformed' },
    });
  });
});
