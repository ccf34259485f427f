// Elections: definition, closing at the end of the window, and the tally with its
// governance effects (an office tally seats the winner; a rating tally feeds the rating
// history and the recall rules).
import { err, ok, type Result } from '../../../shared/result.js';
import { assertNever } from '../../../shared/result.js';
import type { Env } from '../env.js';
import { key } from '../keys.js';
import type {
  BallotRecord,
  CandidateRecord,
  ContestResult,
  ElectionRecord,
  JuryRecord,
  OfficialRecord,
  UnitRecord,
} from '../records.js';
import type { Rejection } from '../rejection.js';
import { read, readAll } from '../state.js';
import type { TxOf } from '../tx.js';
import { checkCertificate } from './candidates.js';
import { requireElection, requireUnit } from './lookup.js';
import { recordRating } from './recall.js';
import { fromHex } from '../../../protocol/hash.js';

type R = Result<void, Rejection>;

function checkPurpose(env: Env, tx: TxOf<'election-create'>, unit: UnitRecord): R {
  const p = tx.purpose;
  switch (p.kind) {
    case 'office': {
      if (new Set(p.candidates).size !== p.candidates.length) {
        return err({ kind: 'malformed', message: 'a candidate is listed twice' });
      }
      for (const id of p.candidates) {
        const c = read<CandidateRecord>(env.s, key.candidate(id));
        if (c === undefined) return err({ kind: 'unknown-candidate', personId: id });
        if (c.unit !== tx.unit)
          return err({ kind: 'candidate-wrong-unit', personId: id, unit: c.unit });
        // Must hold through the whole vote, not just today.
        const cert = checkCertificate(id, c.certificate, tx.window.closes);
        if (!cert.ok) return cert;
      }
      return ok(undefined);
    }
    case 'rating': {
      const o = read<OfficialRecord>(env.s, key.official(tx.unit, p.official));
      if (o === undefined) return err({ kind: 'unknown-official', personId: p.official });
      if (o.status !== 'serving' && o.status !== 'under-recall') {
        return err({ kind: 'official-not-serving', personId: p.official, status: o.status });
      }
      // The cadence limits routine polls; during a recall the official must be able to
      // show recovered support within the window, so polls are not limited then.
      if (o.status === 'serving' && o.lastRatingPollOpens !== null) {
        const earliest = o.lastRatingPollOpens + unit.params.ratingPollCadenceS;
        if (tx.window.opens < earliest) return err({ kind: 'rating-poll-too-soon', earliest });
      }
      env.s.put(key.official(tx.unit, p.official), { ...o, lastRatingPollOpens: tx.window.opens });
      return ok(undefined);
    }
    case 'jury': {
      const j = read<JuryRecord>(env.s, key.jury(p.billId));
      if (j === undefined) return err({ kind: 'unknown-jury', billId: p.billId });
      if (j.unit !== tx.unit) return err({ kind: 'jury-wrong-unit', billId: p.billId });
      return ok(undefined);
    }
    case 'general':
      return ok(undefined);
    default:
      return assertNever(p, 'purpose');
  }
}

/** Defines an election, or completes one a failed recall called (same unit and office). */
export function electionCreate(env: Env, tx: TxOf<'election-create'>): R {
  const unit = requireUnit(env, tx.unit);
  if (!unit.ok) return unit;
  const existing = read<ElectionRecord>(env.s, key.election(tx.electionId));
  if (existing !== undefined) {
    const matches =
      existing.status === 'called' &&
      existing.unit === tx.unit &&
      existing.purpose.kind === 'office' &&
      tx.purpose.kind === 'office' &&
      existing.purpose.office === tx.purpose.office;
    if (existing.status !== 'called')
      return err({ kind: 'election-exists', electionId: tx.electionId });
    if (!matches) return err({ kind: 'called-election-mismatch', electionId: tx.electionId });
  }
  if (tx.window.closes <= env.nowS) return err({ kind: 'window-in-past' });
  const purpose = checkPurpose(env, tx, unit.value);
  if (!purpose.ok) return purpose;
  const rec: ElectionRecord = {
    electionId: tx.electionId,
    unit: tx.unit,
    purpose: tx.purpose,
    status: 'scheduled',
    window: { ...tx.window },
    ballotStyles: [...tx.ballotStyles],
    guardianKey: tx.guardianKey,
    definition: tx.definition,
    calledBy: existing?.calledBy ?? null,
    cast: 0,
    challenged: 0,
    duplicates: 0,
    createdAt: existing?.createdAt ?? env.block.height,
    closedAt: null,
    result: null,
  };
  const valid = env.deps.verifyElection?.(rec) ?? ok(undefined);
  if (!valid.ok) return err({ kind: 'election-invalid', reason: valid.error.kind });
  env.s.put(key.election(tx.electionId), rec);
  return ok(undefined);
}

/** Begin-block: elections whose window has ended stop taking ballots and await the tally. */
export function closeDueElections(env: Env): void {
  for (const [k, e] of readAll<ElectionRecord>(env.s, key.electionPrefix())) {
    if (e.status !== 'scheduled' || e.window === null || e.window.closes > env.nowS) continue;
    env.s.put(k, { ...e, status: 'closed', closedAt: env.block.height });
    env.notices.push({ event: 'devnet.election.closed', subject: k });
  }
}

/** Candidates best first: higher total, then earlier on the ballot (a fixed, public tie rule). */
export function rankCandidates(candidates: readonly string[], totals: readonly number[]): string[] {
  return candidates
    .map((id, i) => ({ id, i, t: totals[i] ?? 0 }))
    .sort((a, b) => b.t - a.t || a.i - b.i)
    .map((c) => c.id);
}

function seatWinner(
  env: Env,
  e: ElectionRecord,
  office: string,
  totals: readonly number[],
  cast: number,
): void {
  if (e.purpose.kind !== 'office') throw new Error('seatWinner on a non-office election');
  // Nobody voted: nobody is seated; the office keeps its acting holder (if any).
  if (cast === 0) return;
  const ranking = rankCandidates(e.purpose.candidates, totals);
  const winner = ranking[0] as string;
  for (const [k, o] of readAll<OfficialRecord>(env.s, key.officialPrefix(e.unit))) {
    if (o.office !== office || o.personId === winner) continue;
    if (o.status === 'serving' || o.status === 'under-recall' || o.status === 'recalled') {
      env.s.put(k, { ...o, status: 'succeeded' });
    }
  }
  const prior = read<OfficialRecord>(env.s, key.official(e.unit, winner));
  const rec: OfficialRecord = {
    personId: winner,
    unit: e.unit,
    office,
    electionId: e.electionId,
    status: 'serving',
    seatedAt: env.block.height,
    ranking,
    lastRatingPollOpens: null,
    // Carried over so a called election's id (derived from the round) never repeats.
    recallRounds: prior?.recallRounds ?? 0,
  };
  env.s.put(key.official(e.unit, winner), rec);
  env.notices.push({ event: 'devnet.official.seated', subject: key.official(e.unit, winner) });
}

function checkShape(e: ElectionRecord, tx: TxOf<'tally'>): R {
  const first = tx.contests[0] as ContestResult;
  const p = e.purpose;
  switch (p.kind) {
    case 'office':
      return first.totals.length === p.candidates.length
        ? ok(undefined)
        : err({ kind: 'tally-shape', message: 'first contest must have one total per candidate' });
    case 'rating':
      return (first.totals[0] as number) <= p.scale * tx.cast
        ? ok(undefined)
        : err({ kind: 'tally-shape', message: 'approval above scale × ballots' });
    case 'jury':
    case 'general':
      return ok(undefined);
    default:
      return assertNever(p, 'purpose');
  }
}

/**
 * Accepts the result of a closed election: the count must be the chain's own count of cast
 * ballots, and the decryption proofs must verify against exactly those ballots.
 */
export function tally(env: Env, tx: TxOf<'tally'>): R {
  const found = requireElection(env, tx.electionId);
  if (!found.ok) return found;
  const e = found.value;
  if (e.status !== 'closed') return err({ kind: 'election-not-closed', status: e.status });
  const ids = readAll<BallotRecord>(env.s, key.ballotPrefix(e.electionId)).map(([k]) =>
    fromHex(k.slice(key.ballotPrefix(e.electionId).length)),
  );
  if (ids.length !== e.cast)
    throw new Error(`election ${e.electionId}: cast counter disagrees with ballots`);
  if (tx.cast !== e.cast)
    return err({ kind: 'tally-count-mismatch', expected: e.cast, got: tx.cast });
  const shape = checkShape(e, tx);
  if (!shape.ok) return shape;
  const v = env.deps.verifyTally(tx, e, ids);
  if (!v.ok) return err({ kind: 'tally-invalid', reason: v.error.kind });
  const contests = tx.contests.map((c) => ({ contestId: c.contestId, totals: [...c.totals] }));
  env.s.put(key.election(e.electionId), {
    ...e,
    status: 'tallied',
    result: { cast: tx.cast, contests, talliedAt: env.block.height },
  });
  const first = contests[0] as ContestResult;
  const p = e.purpose;
  switch (p.kind) {
    case 'office':
      seatWinner(env, e, p.office, first.totals, tx.cast);
      break;
    case 'rating':
      recordRating(env, e, p.official, { num: first.totals[0] as number, den: p.scale * tx.cast });
      break;
    case 'jury':
    case 'general':
      break;
    default:
      assertNever(p, 'purpose');
  }
  return ok(undefined);
}
