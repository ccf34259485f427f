// The byte-level entry points the devnet uses (it stores definitions, envelopes, reveals and
// tally proofs as opaque bytes and checks kiosk signatures itself).
import { describe, expect, it } from 'vitest';
import { challengeBallot, parseReveal, openChallenged } from '../../../src/ballot/challenge.js';
import { encodeElection, loadElectionBytes } from '../../../src/ballot/context.js';
import {
  accumulateTally,
  decodePartialDecryptions,
  encodePartialDecryptions,
  partialDecrypt,
  verifyTallyResult,
  combineDecryptions,
} from '../../../src/ballot/tally.js';
import { verifyUnsignedEnvelope } from '../../../src/ballot/verify-envelope.js';
import { encodeCanonical } from '../../../src/protocol/encoding.js';
import { toHex } from '../../../src/protocol/hash.js';
import { at, fixture, kioskSigner, seal } from './fixtures.js';

const { ctx, election, keys } = fixture();

describe('byte-level entry points', () => {
  it('election definitions round-trip through canonical bytes with the same hash', () => {
    const loaded = loadElectionBytes(encodeElection(election));
    expect(loaded.ok && toHex(loaded.value.hash)).toBe(toHex(ctx.hash));
    expect(loadElectionBytes(new Uint8Array([0xff]))).toMatchObject({
      ok: false,
      error: { kind: 'schema' },
    });
    expect(loadElectionBytes(encodeCanonical({ version: 2 }))).toMatchObject({
      ok: false,
      error: { kind: 'schema' },
    });
  });

  it('verifies envelope bytes without the signature, and opens a reveal from bytes', () => {
    const s = seal(ctx, [[0, 0, 0, 1]], { style: 'mayor' });
    const v = verifyUnsignedEnvelope(ctx, s.signed.bytes);
    if (!v.ok) throw new Error(JSON.stringify(v.error));
    expect(v.value.ballotId).toEqual(s.ballotId);
    const tampered = s.signed.bytes.slice();
    tampered[tampered.length - 40] = (tampered[tampered.length - 40] ?? 0) ^ 1;
    expect(verifyUnsignedEnvelope(ctx, tampered).ok).toBe(false);
    const { signed } = challengeBallot(s, kioskSigner);
    const reveal = parseReveal(signed.bytes);
    if (!reveal.ok) throw new Error('reveal');
    expect(openChallenged(ctx, v.value, reveal.value)).toEqual({ ok: true, value: [[0, 0, 0, 1]] });
    expect(parseReveal(encodeCanonical({ ballotId: new Uint8Array(3) }))).toMatchObject({
      ok: false,
      error: { kind: 'malformed' },
    });
  });

  it('tally proofs round-trip through bytes and still verify', () => {
    const ballots = [
      seal(ctx, [[1, 0, 0, 0]], { style: 'mayor' }),
      seal(ctx, [[1, 0, 0, 0]], { style: 'mayor' }),
    ].map((s) => {
      const v = verifyUnsignedEnvelope(ctx, s.signed.bytes);
      if (!v.ok) throw new Error('verify');
      return v.value;
    });
    const tally = accumulateTally(ctx, ballots, []);
    if (!tally.ok) throw new Error('tally');
    const partials = [at(keys.secrets, 0), at(keys.secrets, 2)].map((g) =>
      partialDecrypt(ctx, tally.value, g),
    );
    const decoded = decodePartialDecryptions(encodePartialDecryptions(partials));
    if (!decoded.ok) throw new Error(decoded.error.message);
    const result = combineDecryptions(ctx, tally.value, decoded.value);
    if (!result.ok) throw new Error('combine');
    expect(result.value.contests.find((c) => c.contestId === 'mayor')?.counts).toEqual([
      2, 0, 0, 0,
    ]);
    expect(verifyTallyResult(ctx, tally.value, decoded.value, result.value).ok).toBe(true);
    expect(decodePartialDecryptions(encodeCanonical([{ guardian: 0, shares: [] }])).ok).toBe(false);
  });
});
