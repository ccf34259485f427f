// Polls state per election and the staff actions behind it. Each change writes the polls row,
// a staff event row and its audit entry in one commit, so a report never shows a state change
// the audit log cannot account for.
import { z } from 'zod';
import type { Clock } from '../shared/clock.js';
import { EVENTS } from '../shared/events.js';
import { err, ok, type Result } from '../shared/result.js';
import type { AuditAppendError, InternalAuditLog } from './audit.js';
import { coarseDay } from './day.js';
import type { Db } from './db.js';
import { catchStorage } from './errors.js';
import { electionIdSchema, issuePaths, staffIdSchema } from './validate.js';

export type PollsState = 'not-opened' | 'open' | 'paused' | 'closed';
export type PollsAction = 'open' | 'pause' | 'close';

export type PollsError =
  | AuditAppendError
  | { readonly kind: 'invalid'; readonly fields: readonly string[] }
  | { readonly kind: 'not-allowed'; readonly current: PollsState };

export interface StaffEvent {
  readonly auditSeq: number;
  readonly staffId: string;
  readonly action: string;
  readonly electionId: string | null;
}

export interface Polls {
  state(electionId: string): PollsState;
  apply(electionId: string, action: PollsAction, staffId: string): Result<PollsState, PollsError>;
  /** The staff actions recorded for an election, oldest first. */
  staffEvents(electionId: string): StaffEvent[];
}

/** Closed is final; a paused poll can reopen; an unopened poll can be closed (cancelled). */
export function nextPollsState(current: PollsState, action: PollsAction): PollsState | undefined {
  switch (action) {
    case 'open':
      return current === 'not-opened' || current === 'paused' ? 'open' : undefined;
    case 'pause':
      return current === 'open' ? 'paused' : undefined;
    case 'close':
      return current === 'closed' ? undefined : 'closed';
  }
}

const AUDIT_EVENT = {
  open: EVENTS.pollsOpen,
  pause: EVENTS.pollsPause,
  close: EVENTS.pollsClose,
} as const;

class Abort extends Error {
  constructor(readonly error: PollsError) {
    super('aborted');
  }
}

export function createPolls(db: Db, clock: Clock, audit: InternalAuditLog): Polls {
  const q = {
    get: db.prepare<[string], { state: Exclude<PollsState, 'not-opened'> }>(
      'SELECT state FROM polls WHERE election_id = ?',
    ),
    put: db.prepare(
      `INSERT INTO polls (election_id, state, changed_day) VALUES (?, ?, ?)
       ON CONFLICT (election_id) DO UPDATE SET state = excluded.state, changed_day = excluded.changed_day`,
    ),
    staff: db.prepare(
      'INSERT INTO staff_events (audit_seq, staff_id, action, election_id) VALUES (?, ?, ?, ?)',
    ),
    events: db.prepare<
      [string],
      { audit_seq: number; staff_id: string; action: string; election_id: string | null }
    >(
      'SELECT audit_seq, staff_id, action, election_id FROM staff_events WHERE election_id = ? ORDER BY seq',
    ),
  };
  const state = (electionId: string): PollsState => q.get.get(electionId)?.state ?? 'not-opened';

  const applyTx = db.transaction((electionId: string, action: PollsAction, staffId: string) => {
    const current = state(electionId);
    const next = nextPollsState(current, action);
    if (next === undefined) throw new Abort({ kind: 'not-allowed', current });
    const a = audit.appendInTransaction(AUDIT_EVENT[action], { staffId, electionId });
    if (!a.ok) throw new Abort(a.error);
    q.put.run(electionId, next, coarseDay(clock.now()));
    q.staff.run(a.value.seq, staffId, AUDIT_EVENT[action], electionId);
    return next;
  });

  return {
    state,
    apply(electionId, action, staffId) {
      const p = z
        .strictObject({
          electionId: electionIdSchema,
          action: z.enum(['open', 'pause', 'close']),
          staffId: staffIdSchema,
        })
        .safeParse({ electionId, action, staffId });
      if (!p.success) return err({ kind: 'invalid', fields: issuePaths(p.error) });
      try {
        const r = catchStorage(() => applyTx.immediate(electionId, action, staffId));
        return r.ok ? ok(r.value) : r;
      } catch (e) {
        if (e instanceof Abort) return err(e.error);
        throw e;
      }
    },
    staffEvents(electionId) {
      return q.events.all(electionId).map((r) => ({
        auditSeq: r.audit_seq,
        staffId: r.staff_id,
        action: r.action,
        electionId: r.election_id,
      }));
    },
  };
}
