// Why a transaction was not applied. Expected outcomes of hostile or stale input, so they
// are values (recorded per transaction in the block results), never exceptions.
import type { TxKind } from './tx.js';

export type Rejection =
  | { kind: 'malformed'; message: string }
  | { kind: 'bad-signature'; signer: 'authority' | 'kiosk' }
  | { kind: 'stale-seq'; last: number }
  | { kind: 'unknown-unit'; unit: string }
  | { kind: 'unit-cycle'; unit: string }
  | { kind: 'kiosk-exists'; kioskId: string }
  | { kind: 'unregistered-kiosk'; kioskId: string }
  | { kind: 'kiosk-revoked'; kioskId: string }
  | { kind: 'kiosk-wrong-unit'; kioskUnit: string; electionUnit: string }
  | { kind: 'invalid-public-key' }
  | { kind: 'unknown-staff'; staffId: string }
  | { kind: 'not-on-roll'; entry: string }
  | { kind: 'certificate-missing'; personId: string }
  | { kind: 'certificate-expired'; personId: string; validUntil: number }
  | { kind: 'unknown-candidate'; personId: string }
  | { kind: 'candidate-wrong-unit'; personId: string; unit: string }
  | { kind: 'candidate-standing'; personId: string }
  | { kind: 'unknown-promise'; itemId: string }
  | { kind: 'election-exists'; electionId: string }
  | { kind: 'called-election-mismatch'; electionId: string }
  | { kind: 'unknown-election'; electionId: string }
  | { kind: 'window-in-past' }
  | { kind: 'election-invalid'; reason: string }
  | { kind: 'unknown-official'; personId: string }
  | { kind: 'official-not-serving'; personId: string; status: string }
  | { kind: 'rating-poll-too-soon'; earliest: number }
  | { kind: 'outside-window'; now: number; opens: number | null; closes: number | null }
  | { kind: 'ballot-id-mismatch' }
  | { kind: 'duplicate-nullifier'; firstBallotId: string }
  | { kind: 'already-included' }
  | { kind: 'ballot-challenged' }
  | { kind: 'already-cast' }
  | { kind: 'already-challenged' }
  | { kind: 'ballot-invalid'; reason: string }
  | { kind: 'challenge-invalid'; reason: string }
  | { kind: 'chain-head-stale'; last: number }
  | { kind: 'chain-head-conflict'; kioskSeq: number }
  | { kind: 'election-not-closed'; status: string }
  | { kind: 'tally-count-mismatch'; expected: number; got: number }
  | { kind: 'tally-shape'; message: string }
  | { kind: 'tally-invalid'; reason: string }
  | { kind: 'jury-exists'; billId: string }
  | { kind: 'unknown-jury'; billId: string }
  | { kind: 'jury-not-drawn'; billId: string; status: string }
  | { kind: 'jury-wrong-unit'; billId: string }
  | { kind: 'eligibility-size'; expected: number; got: number }
  | { kind: 'eligibility-set'; billId: string }
  | { kind: 'not-drawn-juror' };

export type RejectionKind = Rejection['kind'];

/** Per-transaction outcome in a block. */
export type TxOutcome =
  | { index: number; txKind: TxKind; ok: true }
  | { index: number; txKind: TxKind | null; ok: false; rejection: Rejection };
