// Eligibility and one-vote-per-voter without a public link to the person.
//
//   identityKey = scrypt(taggedHash(roll-identity, canonical document identity), salt = rollId)
//   rollEntry   = taggedHash(roll-entry, rollSecret, identityKey)       (published roll)
//   nullifier   = taggedHash(nullifier, rollSecret, identityKey, electionId)   (in the envelope)
//
// rollSecret is one 32-byte secret of the roll authority, given to every registered kiosk, so
// every kiosk derives the same nullifier for the same voter and election. Without it the
// public cannot test a document number against the roll or a nullifier; with it (a compromised
// kiosk) each guess still costs one scrypt. The nullifier is derived from identityKey, not from
// the published entry, so knowing the roll alone does not let a kiosk vote for absent voters'
// nullifiers. See docs/protocol.md, "Nullifier", for the limits and the card-key upgrade.
import { scryptSync } from 'node:crypto';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { encodeCanonical } from '../protocol/encoding.js';
import { TAG, taggedHash } from '../protocol/hash.js';

export interface RollParams {
  rollId: string;
  /** scrypt cost; the roll authority fixes it per roll (default N = 2^15, r = 8, p = 1). */
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_ROLL_COST = { N: 1 << 15, r: 8, p: 1 } as const;

/** The document fields that identify a person across renewals of the same document number. */
export interface DocumentIdentity {
  /** ICAO 3-letter issuing state, upper case. */
  issuingState: string;
  /** Document number without filler characters, upper case. */
  documentNumber: string;
  /** YYMMDD as in the MRZ. */
  birthDate: string;
}

export function canonicalIdentity(d: DocumentIdentity): Uint8Array {
  const norm = (s: string) => s.trim().toUpperCase().replace(/</g, '');
  return encodeCanonical({
    issuingState: norm(d.issuingState),
    documentNumber: norm(d.documentNumber),
    birthDate: norm(d.birthDate),
  });
}

/** The slow step; done once per voter session (about 0.1 s at the default cost). */
export function deriveIdentityKey(params: RollParams, identity: DocumentIdentity): Uint8Array {
  const password = taggedHash(TAG.rollIdentity, canonicalIdentity(identity));
  return new Uint8Array(
    scryptSync(password, utf8ToBytes(params.rollId), 32, {
      N: params.N,
      r: params.r,
      p: params.p,
      maxmem: 256 * params.N * params.r + (1 << 20),
    }),
  );
}

export function deriveRollEntry(rollSecret: Uint8Array, identityKey: Uint8Array): Uint8Array {
  checkSecret(rollSecret);
  return taggedHash(TAG.rollEntry, rollSecret, identityKey);
}

export function deriveNullifier(
  rollSecret: Uint8Array,
  identityKey: Uint8Array,
  electionId: string,
): Uint8Array {
  checkSecret(rollSecret);
  return taggedHash(TAG.nullifier, rollSecret, identityKey, utf8ToBytes(electionId));
}

function checkSecret(s: Uint8Array): void {
  if (s.length !== 32) throw new RangeError('roll secret must be 32 bytes');
}
