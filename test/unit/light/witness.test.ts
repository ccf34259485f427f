import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../../src/protocol/encoding.js';
import { headerHash, voteSignBytes, type LightBlock } from '../../../src/protocol/header.js';
import { decodeWire } from '../../../src/protocol/wire.js';
import { verifyEd25519 } from '../../../src/protocol/ed25519.js';
import { toHex } from '../../../src/protocol/hash.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { err, ok } from '../../../src/shared/result.js';
import {
  crossCheckWitness,
  EvidenceSchema,
  verifySkipping,
  type FetchLightBlock,
} from '../../../src/sync/light/index.js';
import { BLOCK_MS, buildChain, forge, members, OPTIONS, T0 } from './chain.js';

const FOUR = members([1, 2, 3, 4]);
const chain = buildChain({ heights: 30, membersAt: () => FOUR });
const clock = new ManualClock(T0 + 31 * BLOCK_MS);
const trusted = chain.trustedAt(1);

const serve =
  (blocks: (h: number) => LightBlock | undefined): FetchLightBlock<{ kind: 'down' }> =>
  (h) => {
    const b = blocks(h);
    return Promise.resolve(b === undefined ? err({ kind: 'down' as const }) : ok(b));
  };
const honest = serve((h) => chain.blocks[h - 1]);

describe('witness cross-check', () => {
  it('passes when the witness has the same header', async () => {
    const r = await crossCheckWitness({
      trustedBefore: trusted,
      primary: chain.at(30),
      fetchWitness: honest,
      clock,
      options: OPTIONS,
    });
    expect(r).toEqual({ ok: true, value: undefined });
  });

  it('reports an unreachable witness or one answering for another height', async () => {
    const args = { trustedBefore: trusted, primary: chain.at(30), clock, options: OPTIONS };
    expect(await crossCheckWitness({ ...args, fetchWitness: serve(() => undefined) })).toEqual({
      ok: false,
      error: { kind: 'witness-unavailable', height: 30, error: { kind: 'down' } },
    });
    expect(await crossCheckWitness({ ...args, fetchWitness: serve(() => chain.at(29)) })).toEqual({
      ok: false,
      error: { kind: 'witness-wrong-height', requested: 30, got: 29 },
    });
  });

  it('blames the witness, not the chain, when its different header does not verify', async () => {
    const lone = members([1, 900, 901, 902]);
    const bogus = forge(chain.at(30), lone, { setMembers: lone });
    const r = await crossCheckWitness({
      trustedBefore: trusted,
      primary: chain.at(30),
      fetchWitness: serve((h) => (h === 30 ? bogus : chain.blocks[h - 1])),
      clock,
      options: OPTIONS,
    });
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'witness-invalid', error: { kind: 'verification-failed' } },
    });
  });

  it('returns evidence when >= 1/3 byzantine signers fooled the primary path', async () => {
    // Validators 1 and 2 (1/2 of the trusted power) sign a conflicting header at 30 with
    // their own accomplices as the new set. Skipping verification alone accepts it.
    const gang = [...FOUR.slice(0, 2), ...members([9, 10])];
    const forged = forge(chain.at(30), gang, { setMembers: gang });
    expect(verifySkipping(trusted, forged, clock.now(), OPTIONS).ok).toBe(true);

    const r = await crossCheckWitness({
      trustedBefore: trusted,
      primary: forged,
      fetchWitness: honest,
      clock,
      options: OPTIONS,
    });
    if (r.ok || r.error.kind !== 'conflict')
      throw new Error(`expected a conflict: ${JSON.stringify(r)}`);
    const ev = r.error.evidence;
    expect(ev.height).toBe(30);
    expect(ev.commonHeight).toBe(1);
    expect(toHex(headerHash(ev.primary.header))).toBe(toHex(headerHash(forged.header)));
    expect(toHex(headerHash(ev.witness.header))).toBe(toHex(headerHash(chain.at(30).header)));
    // Storable as canonical bytes, and self-contained: both commits check out.
    const back = decodeWire(EvidenceSchema, encodeCanonical(ev as never));
    expect(back.ok).toBe(true);
    for (const sh of [ev.primary, ev.witness]) {
      const msg = voteSignBytes(
        sh.header.chainId,
        sh.header.height,
        sh.commit.round,
        sh.commit.blockId,
      );
      for (const s of sh.commit.signatures)
        expect(verifyEd25519(s.pubKey, msg, s.signature)).toBe(true);
    }
  });
});
