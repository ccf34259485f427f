// The values stored under each key family (see keys.ts). All are plain data inside the
// canonical data model (no undefined, integers only), so encodeCanonical gives their leaf
// bytes. Fractions are {num, den} integer pairs: exact, and comparable without floats.
import type { Certificate, Purpose, PromiseStatus, UnitParams, Window } from './schemas.js';

export type Fraction = { num: number; den: number };

export type AuthorityRecord = {
  publicKey: Uint8Array;
  /** Highest seq of an accepted authority transaction: a replayed one is stale. */
  seq: number;
};

export type UnitRecord = { unit: string; parent: string | null; params: UnitParams };

export type KioskRecord = {
  kioskId: string;
  unit: string;
  publicKey: Uint8Array;
  pollingPlace: string;
  status: 'active' | 'revoked';
  registeredAt: number;
  revokedAt: number | null;
};

export type StaffRecord = {
  staffId: string;
  unit: string;
  role: 'poll-staff' | 'technician';
  publicKey: Uint8Array;
  status: 'active' | 'revoked';
  updatedAt: number;
};

export type RollRecord = { addedAt: number };

export type JurorRecord = {
  entry: Uint8Array;
  legal: Certificate;
  political: Certificate;
  qualifiedAt: number;
};

/** A text in each kiosk language. */
export type LocalizedText = { be: string; ru: string; en: string };

export type PromiseItem = {
  itemId: string;
  text: string;
  /** Display texts per language, when the registration gave them (added field; text stays). */
  texts: LocalizedText | null;
  status: PromiseStatus;
  reason: string | null;
  updatedAt: number;
};

export type CandidateRecord = {
  personId: string;
  unit: string;
  name: string;
  /** Display names per language, when the registration gave them (added field; name stays). */
  names: LocalizedText | null;
  certificate: Certificate;
  promises: PromiseItem[];
  registeredAt: number;
};

export type ContestResult = { contestId: string; totals: number[] };

export type ElectionStatus = 'called' | 'scheduled' | 'closed' | 'tallied';

export type ElectionRecord = {
  electionId: string;
  unit: string;
  purpose: Purpose;
  status: ElectionStatus;
  /** null only while 'called' (a recall asked for it; the authority has not defined it yet). */
  window: Window | null;
  ballotStyles: string[];
  /** The guardians' joint key: opaque here, the ballot verifier interprets it. */
  guardianKey: Uint8Array | null;
  /** The ballot module's election definition (canonical bytes), opaque here. */
  definition: Uint8Array | null;
  calledBy: { unit: string; official: string; round: number } | null;
  cast: number;
  challenged: number;
  duplicates: number;
  createdAt: number;
  closedAt: number | null;
  result: { cast: number; contests: ContestResult[]; talliedAt: number } | null;
};

export type OfficialStatus = 'serving' | 'under-recall' | 'recalled' | 'succeeded';

export type OfficialRecord = {
  personId: string;
  unit: string;
  office: string;
  electionId: string;
  status: OfficialStatus;
  seatedAt: number;
  /** The seating election's candidates, best first: the runner-up list for acting officials. */
  ranking: string[];
  /** Opening time of the newest rating poll scheduled for this official (cadence rule). */
  lastRatingPollOpens: number | null;
  recallRounds: number;
};

export type RatingEntry = {
  unit: string;
  office: string;
  electionId: string;
  approval: Fraction;
  height: number;
};

/** Keyed by person, not by unit: the history follows the official to a higher unit. */
export type RatingRecord = { personId: string; entries: RatingEntry[] };

export type RecallRecord = {
  unit: string;
  official: string;
  office: string;
  round: number;
  status: 'active' | 'recovered' | 'failed';
  startedAt: number;
  startedAtS: number;
  endsAtS: number;
  /** Snapshot of the unit's thresholds when the recall started: later changes don't apply. */
  recallThresholdBps: number;
  recoveryThresholdBps: number;
  acting: string | null;
  actingRule: 'runner-up' | 'acting-list' | 'vacant';
  startSupport: Fraction;
  latestSupport: Fraction;
  endedAt: number | null;
  calledElection: string | null;
};

export type NullifierRecord = { ballotId: Uint8Array; kioskId: string; height: number };
export type BallotRecord = { nullifier: Uint8Array; kioskId: string; height: number };
export type DuplicateRecord = {
  nullifier: Uint8Array;
  kioskId: string;
  height: number;
  firstBallotId: Uint8Array;
};
export type ChallengedRecord = {
  kioskId: string;
  height: number;
  envelope: Uint8Array;
  reveal: Uint8Array;
};
export type ChainHeadRecord = { kioskSeq: number; head: Uint8Array; height: number };

export type JuryRecord = {
  billId: string;
  unit: string;
  size: number;
  status: 'requested' | 'drawn' | 'failed';
  requestedAt: number;
  drawAt: number;
  /** The seed, the pool's hash and size, and the draw: enough to recompute it publicly. */
  seed: Uint8Array | null;
  poolHash: Uint8Array | null;
  poolSize: number;
  jurors: Uint8Array[];
  /** Opaque eligibility tokens for the jury ballot (see docs/governance.md, "Juries"). */
  eligible: Uint8Array[];
};
