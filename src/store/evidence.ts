// Light-client evidence: two conflicting headers for one height, each verified from the same
// trusted state (DESIGN.md §5). Written when the sync node raises its alarm; an unresolved
// row is the alarm itself, so it outlives a restart. The body is the canonical CBOR the sync
// module produced (EvidenceSchema); the store checks its shape only, the sync module checks
// its meaning when it reads it back.
import { z } from 'zod';
import { err, ok, type Result } from '../shared/result.js';
import type { Db } from './db.js';
import { catchStorage, type StorageError } from './errors.js';
import { bytesSchema, countSchema, issuePaths } from './validate.js';

const MAX_BODY = 4 * 1024 * 1024;

const newEvidenceSchema = z
  .strictObject({
    chainId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/),
    height: countSchema.refine((h) => h >= 1),
    commonHeight: countSchema,
    primaryPeer: z.string().min(1).max(128),
    witnessPeer: z.string().min(1).max(128),
    body: bytesSchema(1, MAX_BODY),
  })
  .refine((e) => e.commonHeight < e.height, { path: ['commonHeight'] });
/** newEvidenceSchema's shape, with any Uint8Array accepted (as the other store inputs). */
export interface NewEvidence {
  readonly chainId: string;
  readonly height: number;
  readonly commonHeight: number;
  readonly primaryPeer: string;
  readonly witnessPeer: string;
  /** Canonical CBOR of the sync module's EvidenceSchema. */
  readonly body: Uint8Array;
}

export interface EvidenceRecord extends NewEvidence {
  readonly id: number;
  readonly createdMs: number;
  readonly resolvedMs: number | null;
}

export type EvidenceError =
  | StorageError
  | { readonly kind: 'invalid'; readonly fields: readonly string[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'already-resolved' }
  /** The caller's step inside the resolution (its audit entry) failed: nothing changed. */
  | { readonly kind: 'step-failed'; readonly reason: string };

export interface EvidenceLog {
  /** Stores new evidence as an open alarm; returns its id. */
  record(e: NewEvidence): Result<number, EvidenceError>;
  /** The oldest unresolved evidence of the chain: the alarm a restarted kiosk must keep. */
  open(chainId: string): EvidenceRecord | undefined;
  /** Every stored evidence of the chain, oldest first (resolved ones too). */
  list(chainId: string): EvidenceRecord[];
  /** Every stored evidence, of any chain, oldest first (the technician's CLI). */
  all(): EvidenceRecord[];
  /** One row by id, whatever its chain. */
  get(id: number): EvidenceRecord | undefined;
  /**
   * A technician's resolution; once per row. `within` runs in the same transaction after the
   * row is marked (the caller's audit entry): if it fails, the row stays unresolved.
   */
  resolve(
    id: number,
    within?: (row: EvidenceRecord) => Result<unknown, { kind: string }>,
  ): Result<void, EvidenceError>;
}

/** Unwinds the resolve transaction with the reason as a value. */
class StepFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

interface Raw {
  id: number;
  chain_id: string;
  height: number;
  common_height: number;
  primary_peer: string;
  witness_peer: string;
  body: Buffer;
  created_ms: number;
  resolved_ms: number | null;
}

const toRecord = (r: Raw): EvidenceRecord => ({
  id: r.id,
  chainId: r.chain_id,
  height: r.height,
  commonHeight: r.common_height,
  primaryPeer: r.primary_peer,
  witnessPeer: r.witness_peer,
  body: new Uint8Array(r.body),
  createdMs: r.created_ms,
  resolvedMs: r.resolved_ms,
});

export function createEvidenceLog(db: Db, now: () => number): EvidenceLog {
  const q = {
    insert: db.prepare(
      `INSERT INTO evidence (chain_id, height, common_height, primary_peer, witness_peer, body,
         created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    open: db.prepare<[string], Raw>(
      'SELECT * FROM evidence WHERE chain_id = ? AND resolved_ms IS NULL ORDER BY id LIMIT 1',
    ),
    list: db.prepare<[string], Raw>('SELECT * FROM evidence WHERE chain_id = ? ORDER BY id'),
    all: db.prepare<[], Raw>('SELECT * FROM evidence ORDER BY id'),
    byId: db.prepare<[number], Raw>('SELECT * FROM evidence WHERE id = ?'),
    resolve: db.prepare('UPDATE evidence SET resolved_ms = ? WHERE id = ?'),
  };
  return {
    record(e) {
      const v = newEvidenceSchema.safeParse(e);
      if (!v.success) return err({ kind: 'invalid', fields: issuePaths(v.error) });
      const d = v.data;
      const r = catchStorage(() =>
        q.insert.run(
          d.chainId,
          d.height,
          d.commonHeight,
          d.primaryPeer,
          d.witnessPeer,
          d.body,
          now(),
        ),
      );
      return r.ok ? ok(Number(r.value.lastInsertRowid)) : r;
    },
    open(chainId) {
      const r = q.open.get(chainId);
      return r === undefined ? undefined : toRecord(r);
    },
    list(chainId) {
      return q.list.all(chainId).map(toRecord);
    },
    all() {
      return q.all.all().map(toRecord);
    },
    get(id) {
      const r = q.byId.get(id);
      return r === undefined ? undefined : toRecord(r);
    },
    resolve(id, within) {
      const run = db.transaction(() => {
        const row = q.byId.get(id);
        if (row === undefined) return err({ kind: 'not-found' as const });
        if (row.resolved_ms !== null) return err({ kind: 'already-resolved' as const });
        q.resolve.run(Math.max(now(), row.created_ms), id);
        if (within !== undefined) {
          const w = within(toRecord(row));
          if (!w.ok) throw new StepFailed(w.error.kind);
        }
        return ok(undefined);
      });
      try {
        const r = catchStorage(() => run.immediate());
        return r.ok ? r.value : r;
      } catch (e) {
        if (e instanceof StepFailed) return err({ kind: 'step-failed', reason: e.reason });
        throw e;
      }
    },
  };
}
