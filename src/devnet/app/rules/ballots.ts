// Ballot acceptance, challenges and kiosk confirmation-chain heads. The kiosk's signature is
// checked in apply.ts before these run; here: the kiosk may act for this election (active,
// same unit), the window, jury eligibility, one ballot per nullifier (first included wins),
// and the injected cryptographic verification.
import { equalBytes } from '../../../protocol/bytes.js';
import { TAG, taggedHash, toHex } from '../../../protocol/hash.js';
import { err, ok, type Result } from '../../../shared/result.js';
import type { Env } from '../env.js';
import { key } from '../keys.js';
import type {
  BallotRecord,
  ChainHeadRecord,
  ChallengedRecord,
  DuplicateRecord,
  ElectionRecord,
  JuryRecord,
  KioskRecord,
  NullifierRecord,
} from '../records.js';
import type { Rejection } from '../rejection.js';
import type { Overlay } from '../state.js';
import { read } from '../state.js';
import type { TxOf } from '../tx.js';
import { requireActiveKiosk, requireElection } from './lookup.js';

type R = Result<void, Rejection>;

function kioskForElection(
  env: Env,
  kioskId: string,
  electionId: string,
): Result<{ kiosk: KioskRecord; election: ElectionRecord }, Rejection> {
  const election = requireElection(env, electionId);
  if (!election.ok) return election;
  const kiosk = requireActiveKiosk(env, kioskId);
  if (!kiosk.ok) return kiosk;
  if (kiosk.value.unit !== election.value.unit) {
    return err({
      kind: 'kiosk-wrong-unit',
      kioskUnit: kiosk.value.unit,
      electionUnit: election.value.unit,
    });
  }
  return ok({ kiosk: kiosk.value, election: election.value });
}

function inWindow(env: Env, e: ElectionRecord): R {
  const w = e.window;
  if (e.status === 'scheduled' && w !== null && w.opens <= env.nowS && env.nowS < w.closes) {
    return ok(undefined);
  }
  return err({
    kind: 'outside-window',
    now: env.nowS,
    opens: w?.opens ?? null,
    closes: w?.closes ?? null,
  });
}

/** Jury ballots: only a drawn juror's eligibility token may vote (docs/governance.md). */
function juryEligible(env: Env, e: ElectionRecord, nullifier: Uint8Array): R {
  if (e.purpose.kind !== 'jury') return ok(undefined);
  const billId = e.purpose.billId;
  const j = read<JuryRecord>(env.s, key.jury(billId));
  if (j === undefined) throw new Error(`jury election ${e.electionId} without jury ${billId}`);
  if (j.status !== 'drawn' || j.eligible.length === 0) {
    return err({ kind: 'jury-not-drawn', billId, status: j.status });
  }
  return j.eligible.some((t) => equalBytes(t, nullifier))
    ? ok(undefined)
    : err({ kind: 'not-drawn-juror' });
}

export function ballot(env: Env, tx: TxOf<'ballot'>, signature: Uint8Array): R {
  const found = kioskForElection(env, tx.kioskId, tx.electionId);
  if (!found.ok) return found;
  const { kiosk, election } = found.value;
  const open = inWindow(env, election);
  if (!open.ok) return open;
  if (!equalBytes(taggedHash(TAG.ballotId, tx.envelope), tx.ballotId))
    return err({ kind: 'ballot-id-mismatch' });
  // Idempotent resubmission (a retry after a lost receipt) is answered before any crypto.
  if (env.s.get(key.ballot(tx.electionId, tx.ballotId)) !== undefined)
    return err({ kind: 'already-included' });
  if (env.s.get(key.challenged(tx.electionId, tx.ballotId)) !== undefined)
    return err({ kind: 'ballot-challenged' });
  const eligible = juryEligible(env, election, tx.nullifier);
  if (!eligible.ok) return eligible;
  const v = env.deps.verifyBallot(tx.envelope, election, {
    electionId: tx.electionId,
    kioskId: tx.kioskId,
    nullifier: tx.nullifier,
    ballotId: tx.ballotId,
    signature,
    kiosk,
  });
  if (!v.ok) return err({ kind: 'ballot-invalid', reason: v.error.kind });
  // Checked after verification so a duplicate record only ever names a valid ballot.
  const first = read<NullifierRecord>(env.s, key.nullifier(tx.electionId, tx.nullifier));
  if (first !== undefined)
    return err({ kind: 'duplicate-nullifier', firstBallotId: toHex(first.ballotId) });
  const height = env.block.height;
  env.s.put(key.nullifier(tx.electionId, tx.nullifier), {
    ballotId: tx.ballotId,
    kioskId: tx.kioskId,
    height,
  } satisfies NullifierRecord);
  env.s.put(key.ballot(tx.electionId, tx.ballotId), {
    nullifier: tx.nullifier,
    kioskId: tx.kioskId,
    height,
  } satisfies BallotRecord);
  env.s.put(key.election(election.electionId), { ...election, cast: election.cast + 1 });
  return ok(undefined);
}

/**
 * The one rejection that leaves a trace: a valid ballot that lost to an earlier one with the
 * same nullifier is recorded so poll staff can see and resolve it (DESIGN §4).
 */
export function recordDuplicate(
  s: Overlay,
  tx: TxOf<'ballot'>,
  firstBallotId: Uint8Array,
  height: number,
): void {
  const k = key.duplicate(tx.electionId, tx.ballotId);
  if (s.get(k) !== undefined) return;
  s.put(k, {
    nullifier: tx.nullifier,
    kioskId: tx.kioskId,
    height,
    firstBallotId,
  } satisfies DuplicateRecord);
  const e = read<ElectionRecord>(s, key.election(tx.electionId));
  if (e === undefined) throw new Error('duplicate of a ballot in an unknown election');
  s.put(key.election(tx.electionId), { ...e, duplicates: e.duplicates + 1 });
}

/** A challenged ballot is published with its nonces and can never be counted afterwards. */
export function challenge(env: Env, tx: TxOf<'ballot-challenge'>): R {
  const found = kioskForElection(env, tx.kioskId, tx.electionId);
  if (!found.ok) return found;
  const { kiosk, election } = found.value;
  if (election.status === 'called') {
    return err({ kind: 'outside-window', now: env.nowS, opens: null, closes: null });
  }
  if (!equalBytes(taggedHash(TAG.ballotId, tx.envelope), tx.ballotId)) {
    return err({ kind: 'ballot-id-mismatch' });
  }
  if (env.s.get(key.ballot(tx.electionId, tx.ballotId)) !== undefined)
    return err({ kind: 'already-cast' });
  if (env.s.get(key.challenged(tx.electionId, tx.ballotId)) !== undefined)
    return err({ kind: 'already-challenged' });
  const v = env.deps.verifyChallenge(tx.reveal, election, {
    ballotId: tx.ballotId,
    envelope: tx.envelope,
    kiosk,
  });
  if (!v.ok) return err({ kind: 'challenge-invalid', reason: v.error.kind });
  env.s.put(key.challenged(tx.electionId, tx.ballotId), {
    kioskId: tx.kioskId,
    height: env.block.height,
    envelope: tx.envelope,
    reveal: tx.reveal,
  } satisfies ChallengedRecord);
  env.s.put(key.election(election.electionId), {
    ...election,
    challenged: election.challenged + 1,
  });
  return ok(undefined);
}

/**
 * The kiosk's confirmation-chain head, published at each sync. It must move forward by
 * kioskSeq; the same seq with another head is a fork of the kiosk's history.
 */
export function chainHead(env: Env, tx: TxOf<'chain-head'>): R {
  const kiosk = requireActiveKiosk(env, tx.kioskId);
  if (!kiosk.ok) return kiosk;
  const prev = read<ChainHeadRecord>(env.s, key.chainHead(tx.kioskId));
  if (prev !== undefined) {
    if (tx.kioskSeq === prev.kioskSeq) {
      return equalBytes(tx.head, prev.head)
        ? err({ kind: 'already-included' })
        : err({ kind: 'chain-head-conflict', kioskSeq: tx.kioskSeq });
    }
    if (tx.kioskSeq < prev.kioskSeq) return err({ kind: 'chain-head-stale', last: prev.kioskSeq });
  }
  env.s.put(key.chainHead(tx.kioskId), {
    kioskSeq: tx.kioskSeq,
    head: tx.head,
    height: env.block.height,
  } satisfies ChainHeadRecord);
  return ok(undefined);
}
