// The ballot outbox: sealed envelopes waiting for, and tracked through, delivery to the
// validators. `enqueue` is the moment a ballot becomes durable; its Ok value is the only
// licence to tell the voter "recorded" (DESIGN.md §6).
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../shared/clock.js';
import { err, ok, type Result } from '../shared/result.js';
import { coarseDay, type Day } from './day.js';
import { BALLOT_ID_STORED } from './schema.js';
import type { Db } from './db.js';
import { catchStorage, type StorageError } from './errors.js';
import {
  BALLOT_KINDS,
  classifyStep,
  rejectReasonSchema,
  type BallotKind,
  type OutboxState,
  type RejectReason,
} from './states.js';
import {
  bytes32Schema,
  bytesSchema,
  countSchema,
  electionIdSchema,
  issuePaths,
} from './validate.js';

/** Envelopes are a few KiB; anything near this bound is a bug upstream, not a ballot. */
export const MAX_ENVELOPE_BYTES = 256 * 1024;

/** What the ballot module hands over: an opaque signed envelope and the metadata we index. */
export interface SealedBallot {
  readonly ballotId: Uint8Array;
  readonly electionId: string;
  readonly kioskSeq: number;
  readonly confirmationCode: Uint8Array;
  readonly chainPrev: Uint8Array;
  readonly envelope: Uint8Array;
  readonly kind: BallotKind;
}

const sealedBallotSchema = z.strictObject({
  ballotId: bytes32Schema,
  electionId: electionIdSchema,
  kioskSeq: countSchema,
  confirmationCode: bytes32Schema,
  chainPrev: bytes32Schema,
  envelope: bytesSchema(1, MAX_ENVELOPE_BYTES),
  kind: z.enum(BALLOT_KINDS),
});

export interface Recorded {
  readonly recorded: true;
  readonly kioskSeq: number;
  /** The same ballot was already stored (a retry); nothing was written. */
  readonly duplicate: boolean;
}

export type EnqueueError =
  | StorageError
  | { readonly kind: 'invalid'; readonly fields: readonly string[] }
  /** kioskSeq or chainPrev does not continue the stored confirmation chain. */
  | { readonly kind: 'chain-break'; readonly expectedSeq: number }
  /** A different ballot already holds this ballotId or kioskSeq. */
  | { readonly kind: 'conflict' };

export type Transition =
  | { readonly to: 'sent' }
  | { readonly to: 'receipted'; readonly receipt: Uint8Array }
  | { readonly to: 'included'; readonly height: number }
  | { readonly to: 'final'; readonly height: number }
  | { readonly to: 'rejected'; readonly reason: RejectReason };

const transitionSchema = z.discriminatedUnion('to', [
  z.strictObject({ to: z.literal('sent') }),
  z.strictObject({ to: z.literal('receipted'), receipt: bytesSchema(1, 64 * 1024) }),
  z.strictObject({ to: z.literal('included'), height: countSchema }),
  z.strictObject({ to: z.literal('final'), height: countSchema }),
  z.strictObject({ to: z.literal('rejected'), reason: rejectReasonSchema }),
]);

export interface TransitionOutcome {
  /** False when the ballot already was in that state (an idempotent repeat). */
  readonly changed: boolean;
  readonly state: OutboxState;
}

export type TransitionRefusal =
  | { readonly kind: 'invalid'; readonly fields: readonly string[] }
  | { readonly kind: 'unknown-ballot' }
  /** The ballot is already further along (a late or replayed answer); nothing changed. */
  | { readonly kind: 'stale'; readonly current: OutboxState }
  /** The ballot is final or rejected; nothing moves it any more. */
  | { readonly kind: 'terminal'; readonly current: OutboxState };

export type TransitionError = StorageError | TransitionRefusal;

export interface BallotRow {
  readonly kioskSeq: number;
  readonly ballotId: Uint8Array;
  readonly electionId: string;
  readonly kind: BallotKind;
  readonly state: OutboxState;
  readonly rejectReason: RejectReason | null;
  readonly day: Day;
  readonly confirmationCode: Uint8Array;
}

export interface PendingBallot {
  readonly kioskSeq: number;
  readonly ballotId: Uint8Array;
  readonly electionId: string;
  readonly kind: BallotKind;
  readonly state: OutboxState;
  readonly envelope: Uint8Array;
}

export interface Outbox {
  /** Stores the sealed ballot and returns after its commit is on disk; retries are harmless. */
  enqueue(ballot: SealedBallot): Result<Recorded, EnqueueError>;
  transition(ballotId: Uint8Array, t: Transition): Result<TransitionOutcome, TransitionError>;
  /** Several transitions in one commit (a sync round); each item gets its own outcome. */
  transitionMany(
    items: ReadonlyArray<{ readonly ballotId: Uint8Array; readonly transition: Transition }>,
  ): Result<Array<Result<TransitionOutcome, TransitionRefusal>>, StorageError>;
  get(ballotId: Uint8Array): BallotRow | undefined;
  envelope(ballotId: Uint8Array): Uint8Array | undefined;
  /** Ballots not yet final or rejected, oldest first, for delivery. */
  pending(limit: number, afterSeq?: number): PendingBallot[];
}

interface RawRow {
  kiosk_seq: number;
  ballot_id: Buffer;
  election_id: string;
  kind: BallotKind;
  state: OutboxState;
  reject_reason: RejectReason | null;
  enqueued_day: string;
  code: Buffer;
}

export function toBallotRow(r: RawRow): BallotRow {
  return {
    kioskSeq: r.kiosk_seq,
    ballotId: new Uint8Array(r.ballot_id),
    electionId: r.election_id,
    kind: r.kind,
    state: r.state,
    rejectReason: r.reject_reason,
    day: r.enqueued_day,
    confirmationCode: new Uint8Array(r.code),
  };
}

export const BALLOT_ROW_COLUMNS =
  'o.kiosk_seq, o.ballot_id, o.election_id, o.kind, o.state, o.reject_reason, o.enqueued_day, o.confirmation_code AS code';

/** Queued rows are found in the tail, from this row on (schema V2). */
export const TAIL_FLOOR = '(SELECT floor FROM outbox_tail WHERE id = 1)';

/**
 * Undelivered rows after a kiosk_seq, oldest first. Queued rows from the tail's rowid range,
 * the three other undelivered states from the partial index that holds them in kiosk order
 * (schema V4): both arms come sorted, so the union is a merge that stops at the limit; never
 * a walk over the (mostly final) table, nor over every undelivered row for each page.
 */
export const PENDING_SQL = `SELECT kiosk_seq, ballot_id, election_id, kind, state, envelope FROM outbox
       WHERE kiosk_seq >= ${TAIL_FLOOR} AND kiosk_seq > @after AND state = 'queued'
       UNION ALL
       SELECT kiosk_seq, ballot_id, election_id, kind, state, envelope
       FROM outbox INDEXED BY outbox_undelivered
       WHERE state IN ('sent', 'receipted', 'included') AND kiosk_seq > @after
       ORDER BY kiosk_seq LIMIT @limit`;

export function createOutbox(db: Db, clock: Clock): Outbox {
  const q = {
    // Delivered rows through the partial UNIQUE index; queued ones are in `tail` (below).
    delivered: db.prepare<[Uint8Array], { kiosk_seq: number }>(
      `SELECT kiosk_seq FROM outbox INDEXED BY outbox_ballot
       WHERE ballot_id = ? AND state <> 'queued'`,
    ),
    bySeq: db.prepare<[number], { envelope: Buffer; code: Buffer }>(
      'SELECT envelope, confirmation_code AS code FROM outbox WHERE kiosk_seq = ?',
    ),
    head: db.prepare<[], { kiosk_seq: number; code: Buffer }>(
      'SELECT kiosk_seq, confirmation_code AS code FROM outbox ORDER BY kiosk_seq DESC LIMIT 1',
    ),
    insertBallot: db.prepare(
      `INSERT INTO outbox (kiosk_seq, ballot_id, election_id, kind, state, confirmation_code,
         chain_prev, enqueued_day, envelope)
       VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
    ),
    state: db.prepare<[number], { state: OutboxState }>(
      'SELECT state FROM outbox WHERE kiosk_seq = ?',
    ),
    setState: db.prepare('UPDATE outbox SET state = ? WHERE kiosk_seq = ?'),
    setReceipted: db.prepare(
      "UPDATE outbox SET state = 'receipted', receipt = ? WHERE kiosk_seq = ?",
    ),
    setIncluded: db.prepare(
      "UPDATE outbox SET state = 'included', included_height = ? WHERE kiosk_seq = ?",
    ),
    setFinal: db.prepare(
      "UPDATE outbox SET state = 'final', final_height = ?, included_height = coalesce(included_height, ?) WHERE kiosk_seq = ?",
    ),
    setRejected: db.prepare(
      "UPDATE outbox SET state = 'rejected', reject_reason = ? WHERE kiosk_seq = ?",
    ),
    row: db.prepare<[number], RawRow>(
      `SELECT ${BALLOT_ROW_COLUMNS} FROM outbox o WHERE o.kiosk_seq = ?`,
    ),
    envelope: db.prepare<[number], { envelope: Buffer }>(
      'SELECT envelope FROM outbox WHERE kiosk_seq = ?',
    ),
    floor: db.prepare<[], { floor: number }>('SELECT floor FROM outbox_tail WHERE id = 1'),
    // The first row still queued at or above the floor: a short walk, as the floor follows
    // delivery (amortized, each row is passed once).
    firstQueued: db.prepare<[number], { kiosk_seq: number }>(
      `SELECT kiosk_seq FROM outbox WHERE kiosk_seq >= ? AND state = 'queued'
       ORDER BY kiosk_seq LIMIT 1`,
    ),
    setFloor: db.prepare('UPDATE outbox_tail SET floor = ? WHERE id = 1'),
    tailRows: db.prepare<[], { kiosk_seq: number; ballot_id: Buffer }>(
      `SELECT kiosk_seq, ballot_id FROM outbox WHERE kiosk_seq >= ${TAIL_FLOOR}
       ORDER BY kiosk_seq`,
    ),
    pending: db.prepare<
      [{ after: number; limit: number }],
      {
        kiosk_seq: number;
        ballot_id: Buffer;
        election_id: string;
        kind: BallotKind;
        state: OutboxState;
        envelope: Buffer;
      }
    >(PENDING_SQL),
  };

  // Ballot id (hex) → kiosk_seq of every row at or above the floor, in kiosk order: the
  // lookup for rows the partial indexes do not hold yet. Rows are immutable in (seq, id), so
  // an entry whose row has since left 'queued' still points at the right row. Changed only
  // after the commit that made the change returned.
  const tail = new Map<string, number>();
  for (const r of q.tailRows.iterate()) tail.set(r.ballot_id.toString('hex'), r.kiosk_seq);
  const hex = (id: Uint8Array) =>
    Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');

  const seqOf = (ballotId: Uint8Array): number | undefined =>
    tail.get(hex(ballotId)) ?? q.delivered.get(ballotId)?.kiosk_seq;

  const dropBelow = (floor: number) => {
    for (const [id, seq] of tail) {
      if (seq >= floor) break;
      tail.delete(id);
    }
  };

  // The newest link, as committed. This connection is the database's only writer (exclusive
  // lock) and only enqueue appends, so it is read once and then follows each commit; a vote
  // then needs no read before its insert, and the insert is the vote's one transaction.
  let head: { kiosk_seq: number; code: Buffer } | undefined = q.head.get();

  const insert = (b: SealedBallot): Result<Recorded, EnqueueError> => {
    const last = head;
    const continues =
      last === undefined || (b.kioskSeq === last.kiosk_seq + 1 && last.code.equals(b.chainPrev));
    if (!continues) {
      // Not the next link: a retry of a stored ballot, a clash, or a break in the chain.
      const existingSeq = seqOf(b.ballotId);
      if (existingSeq !== undefined) {
        const existing = q.bySeq.get(existingSeq);
        if (existing === undefined) throw new Error('outbox tail points at a missing row');
        const same =
          existingSeq === b.kioskSeq &&
          existing.envelope.equals(b.envelope) &&
          existing.code.equals(b.confirmationCode);
        return same
          ? ok({ recorded: true, kioskSeq: b.kioskSeq, duplicate: true })
          : err({ kind: 'conflict' });
      }
      if (b.kioskSeq <= last.kiosk_seq) return err({ kind: 'conflict' });
      return err({ kind: 'chain-break', expectedSeq: last.kiosk_seq + 1 });
    }
    // The next link, but its ballot id is already stored under another seq: a queued row is
    // in the tail's map; a delivered one trips the schema's trigger (an index probe inside
    // the insert), which undoes the statement and so the whole vote.
    const id = hex(b.ballotId);
    if (tail.has(id)) return err({ kind: 'conflict' });
    try {
      q.insertBallot.run(
        b.kioskSeq,
        b.ballotId,
        b.electionId,
        b.kind,
        b.confirmationCode,
        b.chainPrev,
        coarseDay(clock.now()),
        b.envelope,
      );
    } catch (e) {
      if (e instanceof Database.SqliteError && e.message === BALLOT_ID_STORED) {
        return err({ kind: 'conflict' });
      }
      throw e;
    }
    // The statement's own (autocommit) transaction has committed: the vote is on disk.
    head = { kiosk_seq: b.kioskSeq, code: Buffer.from(b.confirmationCode) };
    tail.set(id, b.kioskSeq);
    return ok({ recorded: true, kioskSeq: b.kioskSeq, duplicate: false });
  };

  function applyOne(
    ballotId: Uint8Array,
    t: Transition,
  ): Result<TransitionOutcome, TransitionRefusal> {
    const parsed = transitionSchema.safeParse(t);
    if (!parsed.success) return err({ kind: 'invalid', fields: issuePaths(parsed.error) });
    if (!bytes32Schema.safeParse(ballotId).success)
      return err({ kind: 'invalid', fields: ['ballotId'] });
    const seq = seqOf(ballotId);
    const cur = seq === undefined ? undefined : q.state.get(seq);
    if (seq === undefined || cur === undefined) return err({ kind: 'unknown-ballot' });
    const step = classifyStep(cur.state, t.to);
    switch (step) {
      case 'same':
        return ok({ changed: false, state: cur.state });
      case 'backward':
        return err({ kind: 'stale', current: cur.state });
      case 'from-terminal':
        return err({ kind: 'terminal', current: cur.state });
      case 'forward':
        write(seq, t);
        if (cur.state === 'queued') leftQueue = true;
        return ok({ changed: true, state: t.to });
    }
  }

  function write(seq: number, t: Transition): void {
    switch (t.to) {
      case 'sent':
        q.setState.run('sent', seq);
        return;
      case 'receipted':
        q.setReceipted.run(t.receipt, seq);
        return;
      case 'included':
        q.setIncluded.run(t.height, seq);
        return;
      case 'final':
        q.setFinal.run(t.height, t.height, seq);
        return;
      case 'rejected':
        q.setRejected.run(t.reason, seq);
        return;
    }
  }

  // Set by applyOne when a row left 'queued' in the current transaction.
  let leftQueue = false;

  const applyMany = db.transaction(
    (items: ReadonlyArray<{ readonly ballotId: Uint8Array; readonly transition: Transition }>) => {
      leftQueue = false;
      const out = items.map((i) => applyOne(i.ballotId, i.transition));
      let floor: number | null = null;
      if (leftQueue) {
        // Move the floor up to the first row still queued (or past the head), in the same
        // commit as the transitions, so it never claims a queued row is below it.
        const cur = q.floor.get()?.floor ?? 0;
        const next = q.firstQueued.get(cur)?.kiosk_seq ?? (q.head.get()?.kiosk_seq ?? -1) + 1;
        if (next > cur) {
          q.setFloor.run(next);
          floor = next;
        }
      }
      return { out, floor };
    },
  );

  const transitions = (
    items: ReadonlyArray<{ readonly ballotId: Uint8Array; readonly transition: Transition }>,
  ): Result<Array<Result<TransitionOutcome, TransitionRefusal>>, StorageError> => {
    const r = catchStorage(() => applyMany.immediate(items));
    if (!r.ok) return r;
    if (r.value.floor !== null) dropBelow(r.value.floor);
    return ok(r.value.out);
  };

  return {
    enqueue(ballot) {
      // Inside another transaction the insert would not commit, and the voter would be told
      // "recorded" before anything reached the disk.
      if (db.inTransaction) throw new Error('enqueue must run in its own transaction');
      const parsed = sealedBallotSchema.safeParse(ballot);
      if (!parsed.success) return err({ kind: 'invalid', fields: issuePaths(parsed.error) });
      const r = catchStorage(() => insert(ballot));
      return r.ok ? r.value : r;
    },
    transition(ballotId, t) {
      const r = transitions([{ ballotId, transition: t }]);
      if (!r.ok) return r;
      const only = r.value[0];
      if (only === undefined) throw new Error('transitionMany lost its item');
      return only;
    },
    transitionMany(items) {
      return transitions(items);
    },
    get(ballotId) {
      const seq = seqOf(ballotId);
      const r = seq === undefined ? undefined : q.row.get(seq);
      return r === undefined ? undefined : toBallotRow(r);
    },
    envelope(ballotId) {
      const seq = seqOf(ballotId);
      const r = seq === undefined ? undefined : q.envelope.get(seq);
      return r === undefined ? undefined : new Uint8Array(r.envelope);
    },
    pending(limit, afterSeq = -1) {
      return q.pending.all({ after: afterSeq, limit }).map((r) => ({
        kioskSeq: r.kiosk_seq,
        ballotId: new Uint8Array(r.ballot_id),
        electionId: r.election_id,
        kind: r.kind,
        state: r.state,
        envelope: new Uint8Array(r.envelope),
      }));
    },
  };
}
