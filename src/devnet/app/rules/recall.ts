// Ratings and the recall state machine of an official (DESIGN §1):
//
//   serving ──rating < recall threshold──▶ under-recall (acting official appointed,
//      ▲                                    recovery window starts)
//      └──rating >= recovery threshold (during the window)──┘
//   under-recall ──window ends without recovery──▶ recalled (a new election is called)
//
// Thresholds are the unit's parameters, snapshotted when the recall starts. Support is the
// approval of the newest tallied rating poll; with no poll during the window, the support
// that started the recall stands, so the recall fails.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { TAG, taggedHash, toHex } from '../../../protocol/hash.js';
import type { Env } from '../env.js';
import { isBelow, reaches } from '../fraction.js';
import { key } from '../keys.js';
import type {
  CandidateRecord,
  ElectionRecord,
  Fraction,
  OfficialRecord,
  RatingRecord,
  RecallRecord,
  UnitRecord,
} from '../records.js';
import { read, readAll } from '../state.js';
import { checkCertificate } from './candidates.js';

/**
 * The acting official while a recall runs: the best-ranked other candidate of the election
 * that seated the official who still holds a valid certificate; failing that, the first
 * other person on the unit's standing acting list; failing that, the seat is vacant.
 */
export function chooseActing(
  env: Env,
  official: OfficialRecord,
  unit: UnitRecord,
): Pick<RecallRecord, 'acting' | 'actingRule'> {
  for (const id of official.ranking) {
    if (id === official.personId) continue;
    const c = read<CandidateRecord>(env.s, key.candidate(id));
    if (c !== undefined && checkCertificate(id, c.certificate, env.nowS).ok) {
      return { acting: id, actingRule: 'runner-up' };
    }
  }
  const listed = unit.params.actingList.find((id) => id !== official.personId);
  if (listed !== undefined) return { acting: listed, actingRule: 'acting-list' };
  return { acting: null, actingRule: 'vacant' };
}

/** The id of the election a failed recall calls: derived, so every validator agrees. */
export function calledElectionId(unit: string, official: string, round: number): string {
  const h = taggedHash(
    TAG.calledElection,
    utf8ToBytes(unit),
    utf8ToBytes(official),
    utf8ToBytes(String(round)),
  );
  return `recall-${toHex(h).slice(0, 24)}`;
}

/** A tallied rating poll: history first (it follows the person), then the recall rules. */
export function recordRating(
  env: Env,
  election: ElectionRecord,
  official: string,
  approval: Fraction,
): void {
  const o = read<OfficialRecord>(env.s, key.official(election.unit, official));
  const history = read<RatingRecord>(env.s, key.rating(official)) ?? {
    personId: official,
    entries: [],
  };
  env.s.put(key.rating(official), {
    personId: official,
    entries: [
      ...history.entries,
      {
        unit: election.unit,
        office: o?.office ?? '',
        electionId: election.electionId,
        approval,
        height: env.block.height,
      },
    ],
  } satisfies RatingRecord);
  if (o === undefined) return;
  const unit = read<UnitRecord>(env.s, key.param(election.unit));
  if (unit === undefined)
    throw new Error(`official ${official} sits in unknown unit ${election.unit}`);

  if (o.status === 'serving' && isBelow(approval, unit.params.recallThresholdBps)) {
    const round = o.recallRounds + 1;
    const recall: RecallRecord = {
      unit: o.unit,
      official,
      office: o.office,
      round,
      status: 'active',
      startedAt: env.block.height,
      startedAtS: env.nowS,
      endsAtS: env.nowS + unit.params.recoveryWindowS,
      recallThresholdBps: unit.params.recallThresholdBps,
      recoveryThresholdBps: unit.params.recoveryThresholdBps,
      ...chooseActing(env, o, unit),
      startSupport: approval,
      latestSupport: approval,
      endedAt: null,
      calledElection: null,
    };
    env.s.put(key.recall(o.unit, official), recall);
    env.s.put(key.official(o.unit, official), {
      ...o,
      status: 'under-recall',
      recallRounds: round,
    });
    env.notices.push({ event: 'devnet.recall.started', subject: key.recall(o.unit, official) });
    return;
  }
  if (o.status === 'under-recall') {
    const r = read<RecallRecord>(env.s, key.recall(o.unit, official));
    if (r === undefined || r.status !== 'active') {
      throw new Error(`official ${official} is under recall without an active recall`);
    }
    if (reaches(approval, r.recoveryThresholdBps)) {
      env.s.put(key.recall(o.unit, official), {
        ...r,
        latestSupport: approval,
        status: 'recovered',
        endedAt: env.block.height,
      });
      env.s.put(key.official(o.unit, official), { ...o, status: 'serving' });
      env.notices.push({ event: 'devnet.recall.recovered', subject: key.recall(o.unit, official) });
    } else {
      env.s.put(key.recall(o.unit, official), { ...r, latestSupport: approval });
    }
  }
}

/** Begin-block: recalls whose recovery window has ended without recovery fail. */
export function endDueRecalls(env: Env): void {
  for (const [k, r] of readAll<RecallRecord>(env.s, key.recallPrefix())) {
    if (r.status !== 'active' || r.endsAtS > env.nowS) continue;
    const o = read<OfficialRecord>(env.s, key.official(r.unit, r.official));
    // Superseded (a regular election already seated someone else): nothing left to call.
    if (o === undefined || o.status !== 'under-recall') {
      env.s.put(k, { ...r, status: 'failed', endedAt: env.block.height });
      continue;
    }
    const electionId = calledElectionId(r.unit, r.official, r.round);
    const called: ElectionRecord = {
      electionId,
      unit: r.unit,
      purpose: { kind: 'office', office: r.office, candidates: [] },
      status: 'called',
      window: null,
      ballotStyles: [],
      guardianKey: null,
      definition: null,
      calledBy: { unit: r.unit, official: r.official, round: r.round },
      cast: 0,
      challenged: 0,
      duplicates: 0,
      createdAt: env.block.height,
      closedAt: null,
      result: null,
    };
    env.s.put(key.election(electionId), called);
    env.s.put(k, { ...r, status: 'failed', endedAt: env.block.height, calledElection: electionId });
    env.s.put(key.official(r.unit, r.official), { ...o, status: 'recalled' });
    env.notices.push({ event: 'devnet.recall.failed', subject: k });
    env.notices.push({ event: 'devnet.election.called', subject: key.election(electionId) });
  }
}
