import { describe, expect, it } from 'vitest';
import { loadElection } from '../../../src/ballot/context.js';
import { guardianPublicShare, lagrangeAtZero } from '../../../src/ballot/election-key.js';
import { encodePoint, G, mod } from '../../../src/ballot/group.js';
import { ElectionSchema } from '../../../src/protocol/election.js';
import { toHex } from '../../../src/protocol/hash.js';
import { buildElection, fixture, at } from './fixtures.js';

const { ctx, keys, election } = fixture('e-keys', 5, 3);

describe('election key of k-of-n guardians', () => {
  it('every guardian share matches the public commitments, and any k shares interpolate the key', () => {
    for (const s of keys.secrets)
      expect(guardianPublicShare(ctx.key, s.index).equals(G.multiply(s.share))).toBe(true);
    for (const set of [
      [1, 2, 3],
      [2, 4, 5],
      [1, 3, 5],
    ]) {
      const secret = set.reduce(
        (acc, l) => mod(acc + lagrangeAtZero(l, set) * (keys.secrets[l - 1]?.share ?? 0n)),
        0n,
      );
      expect(G.multiply(secret).equals(ctx.K)).toBe(true);
    }
    const two = [1, 2].reduce(
      (acc, l) => mod(acc + lagrangeAtZero(l, [1, 2]) * (keys.secrets[l - 1]?.share ?? 0n)),
      0n,
    );
    expect(G.multiply(two).equals(ctx.K)).toBe(false);
  });

  it('the kiosk refuses an election whose key proofs fail', () => {
    const tamper = (f: (e: typeof election) => void) => {
      const copy = structuredClone(election);
      f(copy);
      return loadElection(copy);
    };
    // A proof response changed.
    expect(
      tamper((e) => {
        const p = at(at(e.guardians.records, 1).proofs, 2);
        p.v = p.v.slice(0, 62) + (p.v.slice(62) === '00' ? '01' : '00');
      }),
    ).toMatchObject({ ok: false, error: { kind: 'bad-key-proof', guardian: 2, coefficient: 2 } });
    // A commitment replaced by another valid point (a rogue key share without its secret).
    expect(
      tamper((e) => {
        at(e.guardians.records, 0).commitments[0] = toHex(encodePoint(G.multiply(99n)));
      }),
    ).toMatchObject({ ok: false, error: { kind: 'bad-key-proof', guardian: 1, coefficient: 0 } });
    // Proofs bound to the election: the same records under another electionId fail.
    expect(tamper((e) => (e.electionId = 'e-other'))).toMatchObject({
      ok: false,
      error: { kind: 'bad-key-proof' },
    });
    // Proofs bound to the guardian index.
    expect(
      tamper((e) => {
        const r1 = at(e.guardians.records, 0);
        const r2 = at(e.guardians.records, 1);
        e.guardians.records[0] = { ...r2, index: 1 };
        e.guardians.records[1] = { ...r1, index: 2 };
      }),
    ).toMatchObject({ ok: false, error: { kind: 'bad-key-proof' } });
    // A non-canonical point.
    expect(
      tamper((e) => (at(e.guardians.records, 0).commitments[1] = 'ff'.repeat(32))),
    ).toMatchObject({ ok: false, error: { kind: 'bad-point' } });
    expect(tamper((e) => (e.guardians.threshold = 6))).toMatchObject({
      ok: false,
      error: { kind: 'schema' },
    });
  });

  it('the schema checks ids, styles and limits', () => {
    expect(ElectionSchema.safeParse(election).success).toBe(true);
    const dup = structuredClone(election);
    at(dup.contests, 1).contestId = at(dup.contests, 0).contestId;
    expect(ElectionSchema.safeParse(dup).success).toBe(false);
    const style = structuredClone(election);
    at(style.ballotStyles, 0).contestIds.push('nope');
    expect(ElectionSchema.safeParse(style).success).toBe(false);
    const limit = structuredClone(election);
    at(limit.contests, 0).limit = { rule: 'exactly', k: 9 };
    expect(ElectionSchema.safeParse(limit).success).toBe(false);
    expect(ElectionSchema.safeParse({ ...election, extra: true }).success).toBe(false);
    // The election hash covers the whole definition: a changed label changes it.
    const relabel = buildElection(keys, 'e-keys', 3);
    relabel.title.en = 'Other';
    const other = loadElection(relabel);
    expect(other.ok && toHex(other.value.hash) !== toHex(ctx.hash)).toBe(true);
  });
});
