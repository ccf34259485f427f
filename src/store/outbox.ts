// The ballot outbox: sealed envelopes waiting for, and tracked through, delivery to the
// validators. `enqueue` is the moment a ballot becomes durable; its Ok value is the only
// licence to tell the voter "recorded" (DESIGN.md §6).
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../shared/clock.js';
import { err, ok, type Result } from '../shared/result.js';
import { coarseDay, type Day } from './day.js';
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

export function createOutbox(db: Db, clock: Clock): Outbox {
  const q = {
    byId: db.prepare<[Uint8Array], { kiosk_seq: number; envelope: Buffer; code: Buffer }>(
      'SELECT kiosk_seq, envelope, confirmation_code AS code FROM outbox WHERE ballot_id = ?',
    ),
    head: db.prepare<[], { kiosk_seq: number; code: Buffer }>(
      'SELECT kiosk_seq, confirmation_code AS code FROM outbox ORDER BY kiosk_seq DESC LIMIT 1',
    ),
    insertBallot: db.prepare(
      `INSERT INTO outbox (kiosk_seq, ballot_id, election_id, kind, state, confirmation_code,
         chain_prev, enqueued_day, envelope)
       VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
    ),
    state: db.prepare<[Uint8Array], { state: OutboxState }>(
      'SELECT state FROM outbox WHERE ballot_id = ?',
    ),
    setState: db.prepare('UPDATE outbox SET state = ? WHERE ballot_id = ?'),
    setReceipted: db.prepare(
      "UPDATE outbox SET state = 'receipted', receipt = ? WHERE ballot_id = ?",
    ),
    setIncluded: db.prepare(
      "UPDATE outbox SET state = 'included', included_height = ? WHERE ballot_id = ?",
    ),
    setFinal: db.prepare(
      "UPDATE outbox SET state = 'final', final_height = ?, included_height = coalesce(included_height, ?) WHERE ballot_id = ?",
    ),
    setRejected: db.prepare(
      "UPDATE outbox SET state = 'rejected', reject_reason = ? WHERE ballot_id = ?",
    ),
    row: db.prepare<[Uint8Array], RawRow>(
      `SELECT ${BALLOT_ROW_COLUMNS} FROM outbox o WHERE o.ballot_id = ?`,
    ),
    envelope: db.prepare<[Uint8Array], { envelope: Buffer }>(
      'SELECT envelope FROM outbox WHERE ballot_id = ?',
    ),
    pending: db.prepare<
      [number, number],
      {
        kiosk_seq: number;
        ballot_id: Buffer;
        election_id: string;
        kind: BallotKind;
        state: OutboxState;
        envelope: Buffer;
      }
    >(
      // The four non-terminal ranges of the reconcile index, then a sort of the undelivered
      // rows only; never a walk over the (mostly final) table.
      `SELECT kiosk_seq, ballot_id, election_id, kind, state, envelope
       FROM outbox INDEXED BY outbox_reconcile
       WHERE state IN ('queued', 'sent', 'receipted', 'included') AND kiosk_seq > ?
       ORDER BY kiosk_seq LIMIT ?`,
    ),
  };

  const insert = db.transaction((b: SealedBallot): Result<Recorded, EnqueueError> => {
    const head = q.head.get();
    const continues =
      head === undefined || (b.kioskSeq === head.kiosk_seq + 1 && head.code.equals(b.chainPrev));
    if (!continues) {
      // Not the next link: a retry of a stored ballot, a clash, or a break in the chain.
      const existing = q.byId.get(b.ballotId);
      if (existing !== undefined) {
        const same =
          existing.kiosk_seq === b.kioskSeq &&
          existing.envelope.equals(b.envelope) &&
          existing.code.equals(b.confirmationCode);
        return same
          ? ok({ recorded: true, kioskSeq: b.kioskSeq, duplicate: true })
          : err({ kind: 'conflict' });
      }
      if (b.kioskSeq <= head.kiosk_seq) return err({ kind: 'conflict' });
      return err({ kind: 'chain-break', expectedSeq: head.kiosk_seq + 1 });
    }
    // The next link: insert straight away (the common path has no lookup by id); a ballot id
    // already stored under another seq trips the UNIQUE index and only this statement undoes.
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
      if (e instanceof Database.SqliteError && e.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        return err({ kind: 'conflict' });
      }
      throw e;
    }
    return ok({ recorded: true, kioskSeq: b.kioskSeq, duplicate: false });
  });

  function applyOne(
    ballotId: Uint8Array,
    t: Transition,
  ): Result<TransitionOutcome, TransitionRefusal> {
    const parsed = transitionSchema.safeParse(t);
    if (!parsed.success) return err({ kind: 'invalid', fields: issuePaths(parsed.error) });
    if (!bytes32Schema.safeParse(ballotId).success)
      return err({ kind: 'invalid', fields: ['ballotId'] });
    const cur = q.state.get(ballotId);
    if (cur === undefined) return err({ kind: 'unknown-ballot' });
    const step = classifyStep(cur.state, t.to);
    switch (step) {
      case 'same':
        return ok({ changed: false, state: cur.state });
      case 'backward':
        return err({ kind: 'stale', current: cur.state });
      case 'from-terminal':
        return err({ kind: 'terminal', current: cur.state });
      case 'forward':
        write(ballotId, t);
        return ok({ changed: true, state: t.to });
    }
  }

  function write(ballotId: Uint8Array, t: Transition): void {
    switch (t.to) {
      case 'sent':
        q.setState.run('sent', ballotId);
        return;
      case 'receipted':
        q.setReceipted.run(t.receipt, ballotId);
        return;
      case 'included':
        q.setIncluded.run(t.height, ballotId);
        return;
      case 'final':
        q.setFinal.run(t.height, t.height, ballotId);
        return;
      case 'rejected':
        q.setRejected.run(t.reason, ballotId);
        return;
    }
  }

  const applyMany = db.transaction(
    (items: ReadonlyArray<{ readonly ballotId: Uint8Array; readonly transition: Transition }>) =>
      items.map((i) => applyOne(i.ballotId, i.transition)),
  );

  return {
    enqueue(ballot) {
      // Nested inside another transaction, our COMMIT would only release a savepoint and the
      // voter would be told "recorded" before anything reached the disk.
      if (db.inTransaction) throw new Error('enqueue must run in its own transaction');
      const parsed = sealedBallotSchema.safeParse(ballot);
      if (!parsed.success) return err({ kind: 'invalid', fields: issuePaths(parsed.error) });
      const r = catchStorage(() => insert.immediate(ballot));
      return r.ok ? r.value : r;
    },
    transition(ballotId, t) {
      const r = catchStorage(() => applyMany.immediate([{ ballotId, transition: t }]));
      if (!r.ok) return r;
      const only = r.value[0];
      if (only === undefined) throw new Error('transitionMany lost its item');
      return only;
    },
    transitionMany(items) {
      return catchStorage(() => applyMany.immediate(items));
    },
    get(ballotId) {
      const r = q.row.get(ballotId);
      return r === undefined ? undefined : toBallotRow(r);
    },
    envelope(ballotId) {
      const r = q.envelope.get(ballotId);
      return r === undefined ? undefined : new Uint8Array(r.envelope);
    },
    pending(limit, afterSeq = -1) {
      return q.pending.all(afterSeq, limit).map((r) => ({
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
