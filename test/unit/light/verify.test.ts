import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerHash, type LightBlock } from '../../../src/protocol/header.js';
import { toHex } from '../../../src/protocol/hash.js';
import { encodeCanonical } from '../../../src/protocol/encoding.js';
import {
  assertTrustLevel,
  decodeTrustedState,
  encodeTrustedState,
  trustFromCheckpoint,
  verifyAdjacent,
  verifyLightBlock,
  verifySkipping,
  type Checkpoint,
  type TrustedState,
} from '../../../src/sync/light/index.js';
import {
  BLOCK_MS,
  buildChain,
  CHAIN_ID,
  fakeHash,
  forge,
  members,
  OPTIONS,
  resign,
  setOf,
  T0,
  type Member,
} from './chain.js';

const FOUR = members([1, 2, 3, 4]);
const chain = buildChain({ heights: 20, membersAt: () => FOUR });
const NOW = T0 + 21 * BLOCK_MS;
const trusted1 = chain.trustedAt(1);
const b2 = chain.at(2);

function checkpointOf(block: LightBlock): Checkpoint {
  return {
    chainId: block.header.chainId,
    height: block.header.height,
    headerHash: headerHash(block.header),
    validatorSet: block.validatorSet,
  };
}

const adj = (b: LightBlock, now = NOW, t: TrustedState = trusted1) =>
  verifyAdjacent(t, b, now, OPTIONS);
const errorOf = (r: { ok: boolean; error?: unknown }) => (r.ok ? 'ok' : r.error);

describe('trust from a checkpoint', () => {
  it('accepts the block the checkpoint pins', () => {
    const r = trustFromCheckpoint(checkpointOf(chain.at(1)), chain.at(1), NOW, OPTIONS);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.trusted.header.height).toBe(1);
  });

  it('refuses a block that does not match, or an expired checkpoint', () => {
    const cp = checkpointOf(chain.at(1));
    const at = (c: Checkpoint, b = chain.at(1), now = NOW) =>
      errorOf(trustFromCheckpoint(c, b, now, OPTIONS));
    expect(at(cp, chain.at(2))).toMatchObject({ kind: 'checkpoint-mismatch', field: 'height' });
    expect(at({ ...cp, chainId: 'other' })).toMatchObject({ field: 'chain-id' });
    expect(at({ ...cp, headerHash: fakeHash('x') })).toMatchObject({ field: 'header-hash' });
    expect(at({ ...cp, validatorSet: setOf(members([5, 6, 7, 8])) })).toMatchObject({
      field: 'validators',
    });
    expect(at(cp, chain.at(1), chain.at(1).header.time + OPTIONS.trustingPeriodMs)).toMatchObject({
      kind: 'trust-expired',
    });
    // Pinned hash but a commit without quorum: provisioned data was not a real block.
    const weak = resign(chain.at(1), chain.at(1).header, FOUR.slice(0, 2));
    expect(at(cp, weak)).toMatchObject({ kind: 'insufficient-voting-power', have: 20, need: 27 });
  });
});

describe('adjacent verification', () => {
  it('verifies a run of headers, checking just enough signatures for > 2/3', () => {
    let t = trusted1;
    for (let h = 2; h <= 20; h++) {
      const r = adj(chain.at(h), NOW, t);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      expect(r.value.signaturesVerified).toBe(3);
      t = r.value.trusted;
    }
    expect(t.header.height).toBe(20);
  });

  it('rejects a foreign chain id', () => {
    const other = buildChain({ heights: 2, membersAt: () => FOUR, chainId: 'veche-other' });
    expect(errorOf(adj(other.at(2)))).toEqual({
      kind: 'wrong-chain-id',
      expected: CHAIN_ID,
      got: 'veche-other',
    });
  });

  it('rejects non-increasing time and height', () => {
    const stale = resign(b2, { ...b2.header, time: trusted1.header.time }, FOUR);
    expect(errorOf(adj(stale))).toMatchObject({ kind: 'time-not-increasing' });
    expect(errorOf(verifyLightBlock(chain.trustedAt(5), chain.at(3), NOW, OPTIONS))).toEqual({
      kind: 'height-not-increasing',
      trusted: 5,
      got: 3,
    });
    expect(errorOf(verifyLightBlock(chain.trustedAt(5), chain.at(5), NOW, OPTIONS))).toMatchObject({
      kind: 'height-not-increasing',
    });
  });

  it('rejects a header from the future beyond the clock drift, and accepts within it', () => {
    const t = b2.header.time;
    expect(errorOf(adj(b2, t - OPTIONS.maxClockDriftMs - 1))).toEqual({
      kind: 'header-from-future',
      time: t,
      now: t - OPTIONS.maxClockDriftMs - 1,
      maxClockDriftMs: OPTIONS.maxClockDriftMs,
    });
    expect(adj(b2, t - OPTIONS.maxClockDriftMs).ok).toBe(true);
  });

  it('rejects once the trusting period has expired', () => {
    const expiredAt = trusted1.header.time + OPTIONS.trustingPeriodMs;
    expect(errorOf(adj(b2, expiredAt))).toEqual({
      kind: 'trust-expired',
      trustedTime: trusted1.header.time,
      expiredAt,
      now: expiredAt,
    });
    expect(adj(b2, expiredAt - 1).ok).toBe(true);
  });

  it('rejects a commit for another height or another block', () => {
    expect(errorOf(adj({ ...b2, commit: { ...b2.commit, height: 3 } }))).toEqual({
      kind: 'commit-height-mismatch',
      header: 2,
      commit: 3,
    });
    expect(errorOf(adj({ ...b2, commit: chain.at(3).commit }))).toMatchObject({
      kind: 'commit-height-mismatch',
    });
    expect(errorOf(adj({ ...b2, commit: { ...b2.commit, blockId: fakeHash('x') } }))).toEqual({
      kind: 'commit-block-id-mismatch',
    });
  });

  it('rejects validator sets that do not hash to the header fields', () => {
    const stranger = setOf(members([5, 6, 7, 8]));
    expect(errorOf(adj({ ...b2, validatorSet: stranger }))).toEqual({
      kind: 'validators-hash-mismatch',
      which: 'validators',
    });
    expect(errorOf(adj({ ...b2, nextValidatorSet: stranger }))).toEqual({
      kind: 'validators-hash-mismatch',
      which: 'next-validators',
    });
  });

  it('rejects a self-consistent header signed by a set the trusted header did not announce', () => {
    const strangers = members([5, 6, 7, 8]);
    const forged = forge(b2, strangers, { setMembers: strangers });
    expect(errorOf(adj(forged))).toEqual({ kind: 'validators-not-trusted' });
  });

  it('rejects a header that does not link to the trusted one', () => {
    const unlinked = resign(b2, { ...b2.header, lastBlockId: fakeHash('elsewhere') }, FOUR);
    expect(errorOf(adj(unlinked))).toEqual({ kind: 'last-block-id-mismatch' });
  });

  it('rejects duplicate signers even when the duplicate would make the quorum', () => {
    const [s1, s2] = b2.commit.signatures;
    if (s1 === undefined || s2 === undefined) throw new Error('unreachable');
    // Two real signers (20 of 40) listed as three: counted twice it would reach 30 >= 27.
    const dup = { ...b2, commit: { ...b2.commit, signatures: [s1, s2, s1] } };
    expect(errorOf(adj(dup))).toEqual({ kind: 'duplicate-signer', pubKey: toHex(s1.pubKey) });
  });

  it('rejects a bad signature among those it checks', () => {
    const first = b2.validatorSet.validators[0];
    if (first === undefined) throw new Error('unreachable');
    const signatures = b2.commit.signatures.map((s) => {
      if (toHex(s.pubKey) !== toHex(first.pubKey)) return s;
      const sig = Uint8Array.from(s.signature);
      sig[0] = (sig[0] as number) ^ 1;
      return { ...s, signature: sig };
    });
    expect(errorOf(adj({ ...b2, commit: { ...b2.commit, signatures } }))).toEqual({
      kind: 'invalid-signature',
      pubKey: toHex(first.pubKey),
    });
  });

  it('needs more than 2/3 of the power, and ignores signatures from unknown keys', () => {
    const two = resign(b2, b2.header, FOUR.slice(0, 2));
    expect(errorOf(adj(two))).toEqual({
      kind: 'insufficient-voting-power',
      have: 20,
      need: 27,
      total: 40,
    });
    const padded = resign(b2, b2.header, [...FOUR.slice(0, 2), ...members([5, 6, 7, 8, 9])]);
    expect(errorOf(adj(padded))).toMatchObject({ kind: 'insufficient-voting-power', have: 20 });
    // Exactly 2/3 is not more than 2/3.
    const six = members([1, 2, 3, 4, 5, 6]);
    const c6 = buildChain({
      heights: 2,
      membersAt: () => six,
      signersAt: (h, ms) => (h === 2 ? ms.slice(0, 4) : ms),
    });
    expect(errorOf(verifyAdjacent(c6.trustedAt(1), c6.at(2), NOW, OPTIONS))).toEqual({
      kind: 'insufficient-voting-power',
      have: 40,
      need: 41,
      total: 60,
    });
  });

  it('runs the cheap checks before any signature', () => {
    const garbage = {
      ...b2.commit,
      signatures: b2.commit.signatures.map((s) => ({ ...s, signature: new Uint8Array(64) })),
    };
    const other = buildChain({ heights: 2, membersAt: () => FOUR, chainId: 'veche-other' });
    expect(
      errorOf(
        adj({ ...other.at(2), commit: { ...garbage, blockId: headerHash(other.at(2).header) } }),
      ),
    ).toMatchObject({
      kind: 'wrong-chain-id',
    });
    expect(
      errorOf(adj({ ...b2, commit: garbage, validatorSet: setOf(members([9])) })),
    ).toMatchObject({
      kind: 'validators-hash-mismatch',
    });
    // With all cheap checks passing, the garbage signatures are what is reported.
    expect(errorOf(adj({ ...b2, commit: garbage }))).toMatchObject({ kind: 'invalid-signature' });
  });

  it('stops at the threshold (light mode): 21 validators need 15 signatures', () => {
    const many = members(Array.from({ length: 21 }, (_, i) => 100 + i));
    const c = buildChain({ heights: 2, membersAt: () => many });
    const r = verifyAdjacent(c.trustedAt(1), c.at(2), NOW, OPTIONS);
    expect(r.ok && r.value.signaturesVerified).toBe(15);
    // A bad signature past the threshold is never looked at; one before it is caught.
    const corruptAt = (index: number) => {
      const target = toHex(c.at(2).validatorSet.validators[index]?.pubKey ?? new Uint8Array());
      const signatures = c
        .at(2)
        .commit.signatures.map((s) =>
          toHex(s.pubKey) === target ? { ...s, signature: new Uint8Array(64) } : s,
        );
      return verifyAdjacent(
        c.trustedAt(1),
        { ...c.at(2), commit: { ...c.at(2).commit, signatures } },
        NOW,
        OPTIONS,
      );
    };
    expect(corruptAt(20).ok).toBe(true);
    expect(errorOf(corruptAt(14))).toMatchObject({ kind: 'invalid-signature' });
  });

  it('throws when asked to verify a gap as adjacent (a caller bug)', () => {
    expect(() => verifyAdjacent(trusted1, chain.at(3), NOW, OPTIONS)).toThrow(RangeError);
    expect(() => verifySkipping(trusted1, chain.at(2), NOW, OPTIONS)).toThrow(RangeError);
  });
});

describe('skipping verification', () => {
  it('jumps over a stable set with one check', () => {
    const r = verifySkipping(trusted1, chain.at(20), NOW, OPTIONS);
    expect(r.ok).toBe(true);
    // Both tallies share verifications: 2 signatures prove 1/3, one more proves 2/3.
    expect(r.ok && r.value.signaturesVerified).toBe(3);
  });

  const rotated = (after: number[]) =>
    buildChain({ heights: 20, membersAt: (h) => (h <= 10 ? FOUR : members(after)) });

  it('accepts when >= 1/3 of the trusted set still signs', () => {
    const c = rotated([3, 4, 5, 6]);
    expect(verifySkipping(c.trustedAt(1), c.at(20), NOW, OPTIONS).ok).toBe(true);
  });

  it('asks to bisect when the set rotated away', () => {
    const c = rotated([5, 6, 7, 8]);
    expect(errorOf(verifySkipping(c.trustedAt(1), c.at(20), NOW, OPTIONS))).toEqual({
      kind: 'insufficient-trust',
      have: 0,
      need: 14,
      total: 40,
    });
  });

  it('rejects a header forged by < 1/3 of the trusted power', () => {
    // Validator 1 (10 of 40) and three accomplices sign a header with their own set.
    const gang = [...FOUR.slice(0, 1), ...members([9, 10, 11])];
    const forged = forge(chain.at(20), gang, { setMembers: gang });
    expect(errorOf(verifySkipping(trusted1, forged, NOW, OPTIONS))).toEqual({
      kind: 'insufficient-trust',
      have: 10,
      need: 14,
      total: 40,
    });
    // Adjacent: the forged set is not the announced one; with the real set, too little signs.
    expect(errorOf(adj(forge(b2, gang, { setMembers: gang })))).toEqual({
      kind: 'validators-not-trusted',
    });
    expect(errorOf(adj(forge(b2, FOUR.slice(0, 1))))).toMatchObject({
      kind: 'insufficient-voting-power',
    });
  });

  it('cannot alone refuse a header forged by >= 1/3 of the trusted power (the witness can)', () => {
    const gang = [...FOUR.slice(0, 2), ...members([9, 10])];
    const forged = forge(chain.at(20), gang, { setMembers: gang });
    expect(verifySkipping(trusted1, forged, NOW, OPTIONS).ok).toBe(true);
    // Adjacent verification still needs > 2/3 of the announced set.
    expect(errorOf(adj(forge(b2, FOUR.slice(0, 2))))).toMatchObject({
      kind: 'insufficient-voting-power',
      have: 20,
    });
  });

  it('needs > 2/3 of the new set as well', () => {
    const big = members([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const c = buildChain({
      heights: 20,
      membersAt: (h) => (h <= 10 ? FOUR : big),
      signersAt: (h, ms) => (h === 20 ? ms.slice(0, 6) : ms),
    });
    expect(errorOf(verifySkipping(c.trustedAt(1), c.at(20), NOW, OPTIONS))).toEqual({
      kind: 'insufficient-voting-power',
      have: 60,
      need: 61,
      total: 90,
    });
  });

  it('refuses trust levels outside [1/3, 1]', () => {
    expect(() => assertTrustLevel({ numerator: 1, denominator: 4 })).toThrow(RangeError);
    expect(() => assertTrustLevel({ numerator: 4, denominator: 3 })).toThrow(RangeError);
    expect(() => assertTrustLevel({ numerator: 1, denominator: 0 })).toThrow(RangeError);
    for (const [n, d] of [
      [1, 3],
      [2, 3],
      [1, 1],
    ] as const) {
      expect(() => assertTrustLevel({ numerator: n, denominator: d })).not.toThrow();
    }
    const strict = { ...OPTIONS, trustLevel: { numerator: 2, denominator: 3 } };
    const c = rotated([3, 4, 5, 6]);
    expect(errorOf(verifySkipping(c.trustedAt(1), c.at(20), NOW, strict))).toMatchObject({
      kind: 'insufficient-trust',
      need: 27,
    });
  });
});

describe('persisted trusted state', () => {
  it('round-trips, and refuses a stored set the header does not name', () => {
    const t = chain.trustedAt(7);
    const back = decodeTrustedState(encodeTrustedState(t));
    expect(back.ok).toBe(true);
    if (back.ok) expect(toHex(encodeTrustedState(back.value))).toBe(toHex(encodeTrustedState(t)));
    const swapped = encodeTrustedState({ ...t, nextValidatorSet: setOf(members([5])) });
    expect(decodeTrustedState(swapped)).toEqual({ ok: false, error: { kind: 'inconsistent' } });
    const junk = encodeCanonical({ header: 1 });
    expect(decodeTrustedState(junk)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });
});

describe('thresholds (property)', () => {
  const member = fc.record({
    id: fc.integer({ min: 300, max: 330 }),
    power: fc.integer({ min: 1, max: 1000 }),
  });
  const sumOf = (ms: readonly Member[]) => ms.reduce((t, m) => t + m.power, 0);
  const pick = (ms: readonly Member[], mask: readonly boolean[]) =>
    ms.filter((_, i) => mask[i] === true);

  it('adjacent accepts exactly when signers hold more than 2/3 of the power', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(member, { minLength: 1, maxLength: 8, selector: (m) => m.id }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        (spec, mask) => {
          const ms = spec.map((m) => ({ ...(members([m.id])[0] as Member), power: m.power }));
          const c = buildChain({
            heights: 2,
            membersAt: () => ms,
            signersAt: (h, all) => (h === 2 ? pick(all, mask) : all),
          });
          const signed = sumOf(pick(ms, mask));
          const r = verifyAdjacent(c.trustedAt(1), c.at(2), NOW, OPTIONS);
          expect(r.ok).toBe(3 * signed > 2 * sumOf(ms));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('skipping accepts exactly when >= 1/3 of the trusted and > 2/3 of the new power signed', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(member, { minLength: 1, maxLength: 5, selector: (m) => m.id }),
        fc.uniqueArray(member, { minLength: 1, maxLength: 5, selector: (m) => m.id }),
        fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        (oldSpec, newSpec, mask) => {
          const toMembers = (spec: { id: number; power: number }[]) =>
            spec.map((m) => ({ ...(members([m.id])[0] as Member), power: m.power }));
          const olds = toMembers(oldSpec);
          const news = toMembers(newSpec);
          const c = buildChain({
            heights: 5,
            membersAt: (h) => (h <= 2 ? olds : news),
            signersAt: (h, all) => (h === 5 ? pick(all, mask) : all),
          });
          const signers = pick(news, mask);
          const signedKeys = new Set(signers.map((m) => m.signer.publicKey.join()));
          // Power in the trusted (height 1's next) set of the keys that signed height 5.
          const trustedSigned = sumOf(
            olds.filter((m) => signedKeys.has(m.signer.publicKey.join())),
          );
          const expected = 3 * trustedSigned >= sumOf(olds) && 3 * sumOf(signers) > 2 * sumOf(news);
          const r = verifySkipping(c.trustedAt(1), c.at(5), NOW, OPTIONS);
          expect(r.ok).toBe(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
