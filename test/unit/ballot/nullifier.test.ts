import { scrypt } from '@noble/hashes/scrypt.js';
import { describe, expect, it } from 'vitest';
import {
  canonicalIdentity,
  DEFAULT_ROLL_COST,
  deriveIdentityKey,
  deriveNullifier,
  deriveRollEntry,
  type RollParams,
} from '../../../src/ballot/nullifier.js';
import { TAG, taggedHash } from '../../../src/protocol/hash.js';

// Low cost for tests; the roll states its real cost (default N = 2^15).
const params: RollParams = { rollId: 'roll-by-2026', N: 1 << 10, r: 8, p: 1 };
const secret = new Uint8Array(32).fill(42);
const doc = { issuingState: 'BLR', documentNumber: 'AB1234567', birthDate: '900101' };

describe('nullifier and roll entries', () => {
  it('the same voter and election give the same nullifier on every kiosk', () => {
    // Two kiosks: independent derivations from the card, same roll secret.
    const k1 = deriveNullifier(secret, deriveIdentityKey(params, doc), 'e1');
    const k2 = deriveNullifier(
      secret,
      deriveIdentityKey(params, {
        issuingState: 'blr',
        documentNumber: 'AB1234567<<',
        birthDate: '900101',
      }),
      'e1',
    );
    expect(k1).toEqual(k2);
  });

  it('differs per election and per voter, and is not the roll entry', () => {
    const id = deriveIdentityKey(params, doc);
    const other = deriveIdentityKey(params, { ...doc, documentNumber: 'AB1234568' });
    expect(deriveNullifier(secret, id, 'e1')).not.toEqual(deriveNullifier(secret, id, 'e2'));
    expect(deriveNullifier(secret, id, 'e1')).not.toEqual(deriveNullifier(secret, other, 'e1'));
    expect(deriveRollEntry(secret, id)).not.toEqual(deriveNullifier(secret, id, 'e1'));
    // Without the roll secret the public cannot recompute either from a document number.
    expect(deriveNullifier(new Uint8Array(32), id, 'e1')).not.toEqual(
      deriveNullifier(secret, id, 'e1'),
    );
    expect(() => deriveNullifier(new Uint8Array(16), id, 'e1')).toThrow();
  });

  it('the default cost runs within a voter session budget', () => {
    const t0 = performance.now();
    const key = deriveIdentityKey({ rollId: 'r', ...DEFAULT_ROLL_COST }, doc);
    expect(key.length).toBe(32);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('the slow hash is standard scrypt (node:crypto equals noble)', () => {
    const fast = deriveIdentityKey(params, doc);
    const slow = scrypt(
      taggedHash(TAG.rollIdentity, canonicalIdentity(doc)),
      new TextEncoder().encode(params.rollId),
      { N: params.N, r: params.r, p: params.p, dkLen: 32 },
    );
    expect(fast).toEqual(slow);
  });
});
