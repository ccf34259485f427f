// The light client's state, options and failure reasons. Pure data: the sync node persists
// TrustedState through the store and feeds it back; nothing here touches the network.
import { z } from 'zod';
import { Hash32Schema } from '../../protocol/bytes.js';
import {
  ChainIdSchema,
  HeaderSchema,
  HeightSchema,
  SignedHeaderSchema,
} from '../../protocol/header.js';
import { ValidatorSetSchema } from '../../protocol/validators.js';

/** What the technician provisions: where trust starts (DESIGN §5). */
export const CheckpointSchema = z.strictObject({
  chainId: ChainIdSchema,
  height: HeightSchema,
  headerHash: Hash32Schema,
  validatorSet: ValidatorSetSchema,
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;

/**
 * The newest verified header and the validator set it names for the next height. That set
 * is the one adjacent headers must be signed by, and the one whose 1/3 must vouch for a
 * skipped-to header (CometBFT's client uses the trusted block's next set the same way).
 */
export const TrustedStateSchema = z.strictObject({
  header: HeaderSchema,
  nextValidatorSet: ValidatorSetSchema,
});
/** Invariant: validatorSetHash(nextValidatorSet) equals header.nextValidatorsHash. */
export type TrustedState = z.infer<typeof TrustedStateSchema>;

export interface TrustLevel {
  readonly numerator: number;
  readonly denominator: number;
}

/** CometBFT's default: at least one honest validator among signers if < 1/3 is byzantine. */
export const DEFAULT_TRUST_LEVEL: TrustLevel = { numerator: 1, denominator: 3 };

export interface TrustOptions {
  /**
   * How long a verified header may vouch for newer ones. Must be shorter than the time a
   * validator's stake stays accountable (CometBFT: 2/3 of the unbonding period).
   */
  readonly trustingPeriodMs: number;
  /** How far a header's time may be ahead of our clock. */
  readonly maxClockDriftMs: number;
  /** Fraction of the trusted set that must sign a non-adjacent header; in [1/3, 1]. */
  readonly trustLevel: TrustLevel;
}

export const DEFAULT_TRUST_OPTIONS: TrustOptions = {
  trustingPeriodMs: 14 * 24 * 3600 * 1000,
  maxClockDriftMs: 10 * 1000,
  trustLevel: DEFAULT_TRUST_LEVEL,
};

/** Every reason a light block is refused. Hex strings name keys so errors log cleanly. */
export type VerifyError =
  | { kind: 'wrong-chain-id'; expected: string; got: string }
  | { kind: 'height-not-increasing'; trusted: number; got: number }
  | { kind: 'time-not-increasing'; trusted: number; got: number }
  | { kind: 'header-from-future'; time: number; now: number; maxClockDriftMs: number }
  | { kind: 'trust-expired'; trustedTime: number; expiredAt: number; now: number }
  | { kind: 'commit-height-mismatch'; header: number; commit: number }
  | { kind: 'commit-block-id-mismatch' }
  | { kind: 'validators-hash-mismatch'; which: 'validators' | 'next-validators' }
  /** Adjacent header whose validators are not the ones the trusted header announced. */
  | { kind: 'validators-not-trusted' }
  | { kind: 'last-block-id-mismatch' }
  | { kind: 'checkpoint-mismatch'; field: 'chain-id' | 'height' | 'header-hash' | 'validators' }
  | { kind: 'duplicate-signer'; pubKey: string }
  | { kind: 'invalid-signature'; pubKey: string }
  /** Not more than 2/3 of the header's own validator set signed. */
  | { kind: 'insufficient-voting-power'; have: number; need: number; total: number }
  /** Too little of the trusted set signed a non-adjacent header: bisect. */
  | { kind: 'insufficient-trust'; have: number; need: number; total: number };

/** A verified step: the new trusted state, and how many signatures it took. */
export interface Verified {
  readonly trusted: TrustedState;
  readonly signaturesVerified: number;
}

/**
 * Two headers for one height, each carrying a commit that verifies from the same trusted
 * state: a fork or a light-client attack. The sync node stores it and alarms staff.
 */
export const EvidenceSchema = z.strictObject({
  height: HeightSchema,
  /** Height of the trusted header both were verified from. */
  commonHeight: HeightSchema,
  primary: SignedHeaderSchema,
  witness: SignedHeaderSchema,
});
export type Evidence = z.infer<typeof EvidenceSchema>;
