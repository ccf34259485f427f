// An election the kiosk (or a verifier) has accepted: schema-checked, guardian proofs
// verified, K computed with a fixed-base table, and its hash taken. Every ballot operation
// takes this context, so nothing downstream re-reads unchecked input.
import { decodeCanonical, encodeCanonical } from '../protocol/encoding.js';
import { ElectionSchema, type Contest, type Election } from '../protocol/election.js';
import { TAG, taggedHash } from '../protocol/hash.js';
import { err, ok, type Result } from '../shared/result.js';
import { verifyElectionKey, type ElectionKey, type ElectionKeyError } from './election-key.js';
import { encodePoint, fixedBase, HALF, type Point } from './group.js';

export interface ElectionContext {
  election: Election;
  /** taggedHash(election, canonical CBOR of the parsed definition). */
  hash: Uint8Array;
  /** The joint key, with a fixed-base table (it is multiplied by secret nonces). */
  K: Point;
  Kbytes: Uint8Array;
  /** K/2 with a fixed-base table: the prover's base (see encode-batch.ts). */
  Khalf: Point;
  key: ElectionKey;
  contests: Map<string, Contest>;
  /** Contests of each style, in ballot order. */
  styles: Map<string, Contest[]>;
}

export type ElectionError = { kind: 'schema'; message: string } | ElectionKeyError;

export function electionHash(election: Election): Uint8Array {
  return taggedHash(TAG.electionHash, encodeCanonical(election));
}

export function loadElection(input: unknown): Result<ElectionContext, ElectionError> {
  const parsed = ElectionSchema.safeParse(input);
  if (!parsed.success) return err({ kind: 'schema', message: parsed.error.message });
  const election = parsed.data;
  const key = verifyElectionKey(election.electionId, election.guardians.records);
  if (!key.ok) return key;
  const contests = new Map(election.contests.map((c) => [c.contestId, c]));
  const styles = new Map(
    election.ballotStyles.map((s) => [
      s.styleId,
      s.contestIds.map((id) => {
        const c = contests.get(id);
        if (!c) throw new Error('schema let an unknown contest through');
        return c;
      }),
    ]),
  );
  const K = fixedBase(key.value.K);
  return ok({
    election,
    hash: electionHash(election),
    K,
    Kbytes: encodePoint(K),
    Khalf: fixedBase(K.multiplyUnsafe(HALF)),
    key: key.value,
    contests,
    styles,
  });
}

/** The definition as canonical bytes (how the chain stores it); H_E is taken over the same. */
export function encodeElection(election: Election): Uint8Array {
  return encodeCanonical(election);
}

/** loadElection from canonical bytes (e.g. an election record pulled from the chain). */
export function loadElectionBytes(bytes: Uint8Array): Result<ElectionContext, ElectionError> {
  const value = decodeCanonical(bytes);
  if (!value.ok) return err({ kind: 'schema', message: `definition bytes: ${value.error.kind}` });
  return loadElection(value.value);
}
