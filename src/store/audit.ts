// The audit log: append-only, each entry hash-chained to the one before, so a changed,
// removed or reordered entry is found at exactly that entry. Entry hash:
//   hash(n) = taggedHash(TAG.auditEntry, canonical({seq, time, event, detail, prev}))
// with prev = hash(n-1) and prev(1) = 32 zero bytes. The chain alone cannot see a cut-off
// tail, so exports carry the head and `verify` accepts an anchor kept elsewhere.
import type { Clock } from '../shared/clock.js';
import { decodeCanonical, encodeCanonical, type Canonical } from '../protocol/encoding.js';
import { TAG, taggedHash } from '../protocol/hash.js';
import { err, ok, type Result } from '../shared/result.js';
import {
  AUDIT_DETAILS,
  isAuditEventId,
  type AuditDetail,
  type AuditEventId,
} from './audit-catalogue.js';
import type { Db } from './db.js';
import { catchStorage, type StorageError } from './errors.js';
import { issuePaths } from './validate.js';

export const AUDIT_GENESIS: Uint8Array = new Uint8Array(32);

export interface AuditHead {
  /** 0 for an empty log. */
  readonly seq: number;
  readonly hash: Uint8Array;
}

export interface AuditEntry {
  readonly seq: number;
  readonly timeMs: number;
  readonly event: string;
  readonly detail: Canonical;
  readonly prev: Uint8Array;
  readonly hash: Uint8Array;
}

export type AuditAppendError =
  | StorageError
  | { readonly kind: 'unknown-event' }
  | { readonly kind: 'invalid-detail'; readonly fields: readonly string[] };

export type AuditFault =
  /** No entry with this seq (deleted, or its seq was changed). */
  | 'missing-entry'
  /** prev does not equal the previous entry's hash. */
  | 'broken-link'
  /** The stored detail is not canonical encoding. */
  | 'undecodable'
  /** The entry's content does not hash to its stored hash. */
  | 'hash-mismatch'
  /** The log ends before, or differs at, the trusted anchor. */
  | 'anchor-mismatch';

export type AuditVerification =
  | { readonly ok: true; readonly entries: number; readonly head: AuditHead }
  | { readonly ok: false; readonly firstBadSeq: number; readonly fault: AuditFault };

export interface AuditLog {
  append<E extends AuditEventId>(
    event: E,
    detail: AuditDetail<E>,
  ): Result<AuditHead, AuditAppendError>;
  verify(anchor?: AuditHead): AuditVerification;
  head(): AuditHead;
  entries(afterSeq: number, limit: number): AuditEntry[];
}

/** For other store modules that write an audit entry inside their own transaction. */
export interface InternalAuditLog extends AuditLog {
  appendInTransaction<E extends AuditEventId>(
    event: E,
    detail: AuditDetail<E>,
  ): Result<AuditHead, AuditAppendError>;
}

export function auditEntryHash(e: {
  seq: number;
  timeMs: number;
  event: string;
  detail: Canonical;
  prev: Uint8Array;
}): Uint8Array {
  return taggedHash(
    TAG.auditEntry,
    encodeCanonical({ seq: e.seq, time: e.timeMs, event: e.event, detail: e.detail, prev: e.prev }),
  );
}

interface RawEntry {
  seq: number;
  time_ms: number;
  event: string;
  detail: Buffer;
  prev: Buffer;
  hash: Buffer;
}

export function createAuditLog(db: Db, clock: Clock): InternalAuditLog {
  const q = {
    head: db.prepare<[], { seq: number; hash: Buffer }>(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    ),
    insert: db.prepare(
      'INSERT INTO audit_log (seq, time_ms, event, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    all: db.prepare<[], RawEntry>('SELECT * FROM audit_log ORDER BY seq'),
    page: db.prepare<[number, number], RawEntry>(
      'SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
  };

  function head(): AuditHead {
    const h = q.head.get();
    return h === undefined
      ? { seq: 0, hash: AUDIT_GENESIS }
      : { seq: h.seq, hash: new Uint8Array(h.hash) };
  }

  function appendInTransaction<E extends AuditEventId>(
    event: E,
    detail: AuditDetail<E>,
  ): Result<AuditHead, AuditAppendError> {
    if (!isAuditEventId(event)) return err({ kind: 'unknown-event' });
    const parsed = AUDIT_DETAILS[event].safeParse(detail);
    if (!parsed.success) return err({ kind: 'invalid-detail', fields: issuePaths(parsed.error) });
    const value = parsed.data as Canonical;
    const prev = head();
    const seq = prev.seq + 1;
    const timeMs = Math.floor(clock.now());
    const hash = auditEntryHash({ seq, timeMs, event, detail: value, prev: prev.hash });
    q.insert.run(seq, timeMs, event, encodeCanonical(value), prev.hash, hash);
    return ok({ seq, hash });
  }

  const appendTx = db.transaction(appendInTransaction);

  return {
    appendInTransaction,
    append(event, detail) {
      const r = catchStorage(() => appendTx.immediate(event, detail));
      return r.ok ? r.value : r;
    },
    head,
    verify(anchor) {
      let expected = 1;
      let prev = AUDIT_GENESIS;
      let anchorSeen = anchor === undefined || anchor.seq === 0;
      for (const r of q.all.iterate()) {
        const bad = (fault: AuditFault): AuditVerification => ({
          ok: false,
          firstBadSeq: expected,
          fault,
        });
        if (r.seq !== expected) return bad('missing-entry');
        if (!r.prev.equals(prev)) return bad('broken-link');
        const detail = decodeCanonical(r.detail);
        if (!detail.ok) return bad('undecodable');
        const hash = auditEntryHash({
          seq: r.seq,
          timeMs: r.time_ms,
          event: r.event,
          detail: detail.value,
          prev,
        });
        if (!r.hash.equals(hash)) return bad('hash-mismatch');
        if (anchor !== undefined && anchor.seq === r.seq) {
          if (!r.hash.equals(anchor.hash)) return bad('anchor-mismatch');
          anchorSeen = true;
        }
        prev = hash;
        expected++;
      }
      if (!anchorSeen) return { ok: false, firstBadSeq: expected, fault: 'anchor-mismatch' };
      return { ok: true, entries: expected - 1, head: { seq: expected - 1, hash: prev } };
    },
    entries(afterSeq, limit) {
      return q.page.all(afterSeq, limit).map((r) => {
        const d = decodeCanonical(r.detail);
        return {
          seq: r.seq,
          timeMs: r.time_ms,
          event: r.event,
          detail: d.ok ? d.value : null,
          prev: new Uint8Array(r.prev),
          hash: new Uint8Array(r.hash),
        };
      });
    },
  };
}
