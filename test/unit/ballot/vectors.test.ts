import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeReveal, openChallenged } from '../../../src/ballot/challenge.js';
import { loadElection } from '../../../src/ballot/context.js';
import { decodeEnvelope } from '../../../src/ballot/envelope.js';
import { verifyChain } from '../../../src/ballot/verify-chain.js';
import { verifyEnvelope } from '../../../src/ballot/verify-envelope.js';
import { fromHex } from '../../../src/protocol/hash.js';
import { at } from './fixtures.js';
import { buildBallotVectors, VECTORS_PATH } from '../../../scripts/gen-ballot-vectors.js';

const stored = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as ReturnType<
  typeof buildBallotVectors
>;

describe('known-answer vectors (test/vectors/ballot/ballot-v1.json)', () => {
  it('recomputing every vector from its inputs gives the recorded bytes', () => {
    expect(JSON.parse(JSON.stringify(buildBallotVectors()))).toEqual(stored);
  });

  it('the recorded envelopes verify, chain, and the challenged one opens', () => {
    const ctx = loadElection(stored.election.definition);
    if (!ctx.ok) throw new Error('election');
    expect(Buffer.from(ctx.value.hash).toString('hex')).toBe(stored.election.hash);
    const kiosk = fromHex(stored.kiosk.publicKey);
    const verified = stored.ballots.map((b) => {
      const v = verifyEnvelope(
        ctx.value,
        { bytes: fromHex(b.envelope), signature: fromHex(b.signature) },
        kiosk,
      );
      if (!v.ok) throw new Error(JSON.stringify(v.error));
      return v.value;
    });
    const envelopes = stored.ballots.map((b) => {
      const e = decodeEnvelope(fromHex(b.envelope));
      if (!e.ok) throw new Error('decode');
      return e.value;
    });
    expect(verifyChain(stored.inputs.kioskId, envelopes).ok).toBe(true);
    const reveal = decodeReveal(
      { bytes: fromHex(stored.challenge.reveal), signature: fromHex(stored.challenge.signature) },
      kiosk,
    );
    if (!reveal.ok) throw new Error('reveal');
    const i = stored.inputs.challenged;
    expect(openChallenged(ctx.value, at(verified, i), reveal.value)).toEqual({
      ok: true,
      value: at(stored.inputs.ballots, i).choices,
    });
  });
});
