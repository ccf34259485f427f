// Sign bytes of the consensus messages: only a precommit for a block signs what a commit
// carries (voteSignBytes); a prevote, a nil precommit or a proposal can never be replayed as
// a commit signature, and the kinds never share bytes with each other.
import { afterEach, describe, expect, it } from 'vitest';
import { signVote, voteBytes } from '../../../src/devnet/consensus/validator.js';
import { toHex } from '../../../src/protocol/hash.js';
import {
  consensusSignBytes,
  headerHash,
  voteSignBytes,
  type LightBlock,
} from '../../../src/protocol/header.js';
import { ok } from '../../../src/shared/result.js';
import {
  DEFAULT_TRUST_OPTIONS,
  trustFromCheckpoint,
  verifyToHeight,
} from '../../../src/sync/light/index.js';
import { cluster, type Cluster } from './cluster.js';
import { must } from './helpers.js';

let c: Cluster | undefined;
afterEach(() => {
  c?.close();
  c = undefined;
});

const id = new Uint8Array(32).fill(7);

describe('consensus sign bytes', () => {
  it('a precommit for a block signs voteSignBytes; every other message signs something else', () => {
    const all = [
      voteBytes('c', { kind: 'precommit', height: 5, round: 2, blockId: id }),
      voteBytes('c', { kind: 'prevote', height: 5, round: 2, blockId: id }),
      voteBytes('c', { kind: 'prevote', height: 5, round: 2, blockId: null }),
      voteBytes('c', { kind: 'precommit', height: 5, round: 2, blockId: null }),
      consensusSignBytes('c', {
        type: 'proposal',
        height: 5,
        round: 2,
        blockId: id,
        validRound: -1,
      }),
      consensusSignBytes('c', {
        type: 'proposal',
        height: 5,
        round: 2,
        blockId: id,
        validRound: 1,
      }),
      consensusSignBytes('d', { type: 'prevote', height: 5, round: 2, blockId: id }),
      consensusSignBytes('c', { type: 'prevote', height: 6, round: 2, blockId: id }),
      consensusSignBytes('c', { type: 'prevote', height: 5, round: 3, blockId: id }),
    ].map(toHex);
    expect(all[0]).toBe(toHex(voteSignBytes('c', 5, 2, id)));
    expect(new Set(all).size).toBe(all.length);
  });

  it('prevotes for a committed block do not verify as its commit at the light client', async () => {
    c = cluster();
    expect(await c.until(2)).toBe(true);
    const v = must(c.running()[0]);
    const honest = must(v.lightBlock(2));
    const chainId = c.genesis.chainId;
    // The same validators, the same block, height and round, but their prevote signatures.
    const forged: LightBlock = {
      ...honest,
      commit: {
        ...honest.commit,
        signatures: c.members.map((m) => ({
          pubKey: m.signer.publicKey,
          signature: signVote(m.signer, chainId, {
            kind: 'prevote',
            height: 2,
            round: honest.commit.round,
            blockId: headerHash(honest.header),
          }).signature,
        })),
      },
    };
    const verify = async (block: LightBlock) => {
      const cp = must(c).genesis;
      const trusted = trustFromCheckpoint(
        {
          chainId: cp.chainId,
          height: 1,
          headerHash: headerHash(must(v.lightBlock(1)).header),
          validatorSet: cp.validatorSet,
        },
        must(v.lightBlock(1)),
        must(c).clock.now(),
        DEFAULT_TRUST_OPTIONS,
      );
      if (!trusted.ok) throw new Error('checkpoint');
      return verifyToHeight({
        trusted: trusted.value.trusted,
        targetHeight: 2,
        fetch: async () => ok(block),
        clock: must(c).clock,
        options: DEFAULT_TRUST_OPTIONS,
      });
    };
    expect((await verify(honest)).ok).toBe(true);
    const r = await verify(forged);
    expect(r.ok).toBe(false);
    expect(r.ok ? null : r.error).toMatchObject({
      kind: 'verification-failed',
      height: 2,
      error: { kind: 'invalid-signature' },
    });
  });
});
