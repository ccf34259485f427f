// Reconciliation for poll staff: per election, how many ballots the kiosk holds in each kind
// and state (and rejected by reason), and the list behind every number. Counts are one
// GROUP BY over covering ranges of outbox_reconcile, so a million rows stay sub-second;
// lists are keyset-paginated in kiosk order over the same index. Queued rows are not in that
// index (schema V2): they are counted and listed from the outbox's tail, a rowid range.
import type { Db } from './db.js';
import { BALLOT_ROW_COLUMNS, TAIL_FLOOR, toBallotRow, type BallotRow } from './outbox.js';
import {
  BALLOT_KINDS,
  OUTBOX_STATES,
  REJECT_REASONS,
  type BallotKind,
  type OutboxState,
  type RejectReason,
} from './states.js';

export type StateCounts = Record<OutboxState, number>;
export type ReasonCounts = Record<RejectReason, number>;

export interface KindCounts {
  readonly total: number;
  readonly byState: StateCounts;
  readonly rejectedByReason: ReasonCounts;
}

export interface ReconciliationCounts {
  readonly electionId: string;
  /** Ballots the voter cast; their states are what the chain should show as counted. */
  readonly cast: KindCounts;
  /** Challenged ballots: published for audit, never counted. */
  readonly challenged: KindCounts;
}

/** Which number a list stands behind. */
export type ListFilter =
  | { readonly kind: BallotKind }
  | { readonly kind: BallotKind; readonly state: OutboxState }
  | { readonly kind: BallotKind; readonly state: 'rejected'; readonly reason: RejectReason };

export interface Page {
  /** Return rows with kioskSeq greater than this (the last row of the previous page). */
  readonly afterSeq?: number;
  readonly limit: number;
}

export interface Reconciliation {
  counts(electionId: string): ReconciliationCounts;
  list(electionId: string, filter: ListFilter, page: Page): BallotRow[];
  /** Elections the kiosk holds ballots for. */
  elections(): string[];
}

const zeroStates = (): StateCounts =>
  Object.fromEntries(OUTBOX_STATES.map((s) => [s, 0])) as StateCounts;
const zeroReasons = (): ReasonCounts =>
  Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as ReasonCounts;

export const MAX_PAGE = 10_000;

export function createReconciliation(db: Db): Reconciliation {
  const cols = BALLOT_ROW_COLUMNS;
  const q = {
    // Five covering ranges (state, election) of the index, and the tail's queued rows.
    counts: db.prepare<
      [{ election: string }],
      { kind: BallotKind; state: OutboxState; reject_reason: RejectReason | null; n: number }
    >(
      `SELECT kind, state, reject_reason, count(*) AS n FROM outbox INDEXED BY outbox_reconcile
       WHERE state IN ('sent', 'receipted', 'included', 'final', 'rejected')
         AND state <> 'queued' AND election_id = @election GROUP BY kind, state, reject_reason
       UNION ALL
       SELECT kind, state, NULL, count(*) FROM outbox
       WHERE kiosk_seq >= ${TAIL_FLOOR} AND state = 'queued' AND election_id = @election
       GROUP BY kind`,
    ),
    // In kiosk order along the primary key: one election usually holds most rows, so a page
    // is a short walk.
    byKind: db.prepare(
      `SELECT ${cols} FROM outbox o NOT INDEXED
       WHERE o.election_id = ? AND o.kind = ? AND o.kiosk_seq > ? ORDER BY o.kiosk_seq LIMIT ?`,
    ),
    // All four index columns pinned (reject_reason IS NULL for every state but rejected), so
    // the range is already in kiosk order and a page is a short seek, not a sort.
    byState: db.prepare(
      `SELECT ${cols} FROM outbox o INDEXED BY outbox_reconcile
       WHERE o.state = ? AND o.state <> 'queued' AND o.election_id = ? AND o.kind = ?
         AND o.reject_reason IS NULL AND o.kiosk_seq > ? ORDER BY o.kiosk_seq LIMIT ?`,
    ),
    // Queued rows: the tail, in kiosk order along the primary key.
    queued: db.prepare(
      `SELECT ${cols} FROM outbox o
       WHERE o.kiosk_seq >= ${TAIL_FLOOR} AND o.state = 'queued' AND o.election_id = ?
         AND o.kind = ? AND o.kiosk_seq > ? ORDER BY o.kiosk_seq LIMIT ?`,
    ),
    // All reasons together: rejections are few, so the sort is over a small set.
    rejected: db.prepare(
      `SELECT ${cols} FROM outbox o INDEXED BY outbox_reconcile
       WHERE o.state = 'rejected' AND o.state <> 'queued' AND o.election_id = ? AND o.kind = ?
         AND o.kiosk_seq > ? ORDER BY o.kiosk_seq LIMIT ?`,
    ),
    byReason: db.prepare(
      `SELECT ${cols} FROM outbox o INDEXED BY outbox_reconcile
       WHERE o.state = 'rejected' AND o.state <> 'queued' AND o.election_id = ? AND o.kind = ?
         AND o.reject_reason = ?
         AND o.kiosk_seq > ? ORDER BY o.kiosk_seq LIMIT ?`,
    ),
    elections: db.prepare<[], { election_id: string }>(
      `SELECT election_id FROM outbox INDEXED BY outbox_reconcile WHERE state <> 'queued'
       UNION
       SELECT election_id FROM outbox WHERE kiosk_seq >= ${TAIL_FLOOR} AND state = 'queued'
       ORDER BY election_id`,
    ),
  };

  return {
    counts(electionId) {
      const k = {
        cast: { total: 0, byState: zeroStates(), rejectedByReason: zeroReasons() },
        challenged: { total: 0, byState: zeroStates(), rejectedByReason: zeroReasons() },
      };
      for (const r of q.counts.all({ election: electionId })) {
        const bucket = k[r.kind];
        bucket.total += r.n;
        bucket.byState[r.state] += r.n;
        if (r.reject_reason !== null) bucket.rejectedByReason[r.reject_reason] += r.n;
      }
      return { electionId, ...k };
    },
    list(electionId, filter, page) {
      if (!BALLOT_KINDS.includes(filter.kind)) throw new Error('unknown ballot kind');
      const after = page.afterSeq ?? -1;
      const limit = Math.max(0, Math.min(MAX_PAGE, Math.floor(page.limit)));
      const rows = !('state' in filter)
        ? q.byKind.all(electionId, filter.kind, after, limit)
        : 'reason' in filter
          ? q.byReason.all(electionId, filter.kind, filter.reason, after, limit)
          : filter.state === 'rejected'
            ? q.rejected.all(electionId, filter.kind, after, limit)
            : filter.state === 'queued'
              ? q.queued.all(electionId, filter.kind, after, limit)
              : q.byState.all(filter.state, electionId, filter.kind, after, limit);
      return (rows as Parameters<typeof toBallotRow>[0][]).map(toBallotRow);
    },
    elections() {
      return q.elections.all().map((r) => r.election_id);
    },
  };
}
