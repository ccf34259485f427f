// Counting a commit's voting power against a validator set. Like CometBFT's
// VerifyCommitLight, it verifies signatures only until the threshold is reached: the
// signature check is the whole cost of header verification, and once > 2/3 (or the trust
// level) is proven, more signatures cannot change the answer. Because sets are in power-
// descending order, the fewest signatures are checked. A bad signature among those checked
// rejects the commit; signatures past the threshold are not looked at (docs/light-client.md).
import { toHex } from '../../protocol/hash.js';
import { verifyEd25519 } from '../../protocol/ed25519.js';
import type { Commit } from '../../protocol/header.js';
import { totalVotingPower, type ValidatorSet } from '../../protocol/validators.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { TrustLevel } from './types.js';

export type TallyError =
  | { kind: 'invalid-signature'; pubKey: string }
  | { kind: 'short'; have: number; need: number; total: number };

/** Smallest power strictly above 2/3 of total. */
export function moreThanTwoThirds(total: number): number {
  return Math.floor((total * 2) / 3) + 1;
}

/** Smallest power at or above numerator/denominator of total. */
export function atLeast(total: number, level: TrustLevel): number {
  return Math.ceil((total * level.numerator) / level.denominator);
}

/**
 * The signatures of one commit over one message, indexed by signer, each verified at most
 * once however many sets it is counted against.
 */
export class CommitTally {
  private readonly verified = new Map<string, boolean>();
  private count = 0;

  private constructor(
    private readonly byKey: ReadonlyMap<string, Uint8Array>,
    private readonly message: Uint8Array,
  ) {}

  /** Indexes the commit; a key that signs twice is refused before any signature is checked. */
  static create(
    commit: Commit,
    message: Uint8Array,
  ): Result<CommitTally, { kind: 'duplicate-signer'; pubKey: string }> {
    const byKey = new Map<string, Uint8Array>();
    for (const s of commit.signatures) {
      const id = toHex(s.pubKey);
      if (byKey.has(id)) return err({ kind: 'duplicate-signer', pubKey: id });
      byKey.set(id, s.signature);
    }
    return ok(new CommitTally(byKey, message));
  }

  /** Signatures verified so far. */
  get signaturesVerified(): number {
    return this.count;
  }

  /**
   * Sums the power of `set` members with a valid signature until `need` is reached. Signers
   * not in `set` carry no power here and are never verified for it.
   */
  tally(set: ValidatorSet, need: number): Result<number, TallyError> {
    let have = 0;
    for (const v of set.validators) {
      const id = toHex(v.pubKey);
      const sig = this.byKey.get(id);
      if (sig === undefined) continue;
      let good = this.verified.get(id);
      if (good === undefined) {
        good = verifyEd25519(v.pubKey, this.message, sig);
        this.count++;
        this.verified.set(id, good);
      }
      if (!good) return err({ kind: 'invalid-signature', pubKey: id });
      have += v.power;
      if (have >= need) return ok(have);
    }
    return err({ kind: 'short', have, need, total: totalVotingPower(set) });
  }
}
