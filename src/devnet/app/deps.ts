// What the app delegates: the cryptography of ballots, challenges and tallies belongs to the
// ballot module (src/ballot/). The app decides *whether* a transaction may count (who, where,
// when, how many times); these decide whether its mathematics is right. Injected, so the
// state machine stays independent of the group arithmetic and tests can swap them.
import type { Result } from '../../shared/result.js';
import type { ElectionRecord, KioskRecord } from './records.js';
import type { TxOf } from './tx.js';

export type VerifierError = { kind: string; message?: string };

/** The fields the ballot tx claims; the verifier must check the envelope says the same. */
export interface BallotClaim {
  electionId: string;
  kioskId: string;
  nullifier: Uint8Array;
  ballotId: Uint8Array;
  /** The kiosk's Ed25519 signature over the envelope (already verified by the app). */
  signature: Uint8Array;
  kiosk: KioskRecord;
}

export interface AppDeps {
  /**
   * At election-create: the opaque definition and guardian key load (guardian proofs
   * verify) and agree with the record (id, unit, window, styles). Without this an election
   * could be created that no ballot can ever satisfy. Optional so verifier sets written
   * before it existed keep working; ballotVerifiers() provides it.
   */
  verifyElection?(election: ElectionRecord): Result<void, VerifierError>;
  /**
   * Envelope bytes against the election: schema, style, proofs, confirmation code, and that
   * electionId / kioskId / nullifier inside equal the claim. The kiosk signature over the
   * envelope is already checked by the app.
   */
  verifyBallot(
    envelope: Uint8Array,
    election: ElectionRecord,
    claim: BallotClaim,
  ): Result<void, VerifierError>;
  /**
   * A challenge: the reveal (signature already checked by the app) names that ballot, and
   * its nonces open the envelope (whose hash the app checked is ballotId).
   */
  verifyChallenge(
    reveal: Uint8Array,
    election: ElectionRecord,
    claim: { ballotId: Uint8Array; envelope: Uint8Array; kiosk: KioskRecord },
  ): Result<void, VerifierError>;
  /**
   * Decryption proofs of a tally against the cast ballots the chain accepted (ids in key
   * order; challenged and duplicate ballots are never among them).
   */
  verifyTally(
    tally: TxOf<'tally'>,
    election: ElectionRecord,
    castBallotIds: readonly Uint8Array[],
  ): Result<void, VerifierError>;
}
