// The store's composition root: open the database once, build every module on the one
// connection, and hand out the typed API. Nothing else in the host touches SQLite.
import type { Clock } from '../shared/clock.js';
import { EVENTS } from '../shared/events.js';
import { silentLogger, type Logger } from '../shared/log.js';
import { err, ok, type Result } from '../shared/result.js';
import { createAuditLog, type AuditAppendError, type AuditLog } from './audit.js';
import { createConfirmationChain, type ConfirmationChain } from './chain.js';
import { coarseDay } from './day.js';
import { openDb, type Db, type OpenError } from './db.js';
import { catchStorage } from './errors.js';
import {
  buildExportDocument,
  renderCsv,
  renderJson,
  type ExportFileFormat,
  type ExportSigner,
} from './export.js';
import { createOutbox, type BallotRow, type Outbox } from './outbox.js';
import { createPolls, type Polls } from './polls.js';
import { createReconciliation, MAX_PAGE, type Reconciliation } from './reconcile.js';
import { createEvidenceLog, type EvidenceLog } from './evidence.js';
import { createSyncedChainData, type SyncedChainData } from './synced.js';
import { ELECTION_ID_RE } from './validate.js';

export interface StoreOptions {
  /** Database file; its -wal sibling lives next to it. */
  readonly path: string;
  readonly kioskId: string;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Page cap (4 KiB pages): a quota in production if wanted, a full disk in tests. */
  readonly maxPageCount?: number;
}

export type StoreOpenError = OpenError | { readonly kind: 'invalid-kiosk-id' };

export type ExportError = AuditAppendError;

export type IntegrityReport =
  { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

export interface Store {
  readonly outbox: Outbox;
  readonly chain: ConfirmationChain;
  readonly audit: AuditLog;
  readonly synced: SyncedChainData;
  /** Light-client evidence; an unresolved row is the sync node's alarm (docs/sync.md). */
  readonly evidence: EvidenceLog;
  readonly polls: Polls;
  readonly reconciliation: Reconciliation;
  /**
   * A signed reconciliation export of one election for poll staff. Records who exported it in
   * the audit log first, so the export's audit head covers its own creation.
   */
  exportReconciliation(
    electionId: string,
    format: ExportFileFormat,
    signer: ExportSigner,
    staffId: string,
  ): Result<string, ExportError>;
  /** SQLite's integrity and foreign-key checks (diagnostics, and after a full disk). */
  integrityCheck(): IntegrityReport;
  close(): void;
}

// The connection behind each open store, kept off the Store object so the host cannot reach
// around the typed API; tests, benches and the crash harness read it via storeDatabase().
const connections = new WeakMap<Store, Db>();

/** For tests, benches and the crash harness only: the store's SQLite connection. */
export function storeDatabase(store: Store): Db {
  const db = connections.get(store);
  if (db === undefined) throw new Error('not an open store');
  return db;
}

export function openStore(opts: StoreOptions): Result<Store, StoreOpenError> {
  if (!ELECTION_ID_RE.test(opts.kioskId)) return err({ kind: 'invalid-kiosk-id' });
  const log = (opts.logger ?? silentLogger).child({ module: 'store' });
  const opened = openDb({ path: opts.path, maxPageCount: opts.maxPageCount });
  if (!opened.ok) {
    log.error(EVENTS.storeOpen, { outcome: opened.error.kind });
    return opened;
  }
  const { db, migratedFrom, schemaVersion } = opened.value;
  const audit = createAuditLog(db, opts.clock);
  const outboxInner = createOutbox(db, opts.clock);
  const chain = createConfirmationChain(db);
  const reconciliation = createReconciliation(db);
  const polls = createPolls(db, opts.clock, audit);

  if (migratedFrom !== schemaVersion) {
    log.info(EVENTS.storeMigrate, { from: migratedFrom, to: schemaVersion });
    // A full disk must not stop a kiosk from opening to deliver what it already holds.
    audit.append(EVENTS.storeMigrate, { from: migratedFrom, to: schemaVersion });
  }
  log.info(EVENTS.storeOpen, { schemaVersion });

  // Disk-full is the one storage failure staff must act on; say so in the log. No per-ballot
  // lines: a fine log timestamp next to a ballot event would undo the coarse-day rule.
  const outbox: Outbox = {
    ...outboxInner,
    enqueue(ballot) {
      const r = outboxInner.enqueue(ballot);
      if (!r.ok && r.error.kind === 'disk-full') log.error(EVENTS.storeDiskFull, {});
      return r;
    },
  };

  function allRows(electionId: string): BallotRow[] {
    const rows: BallotRow[] = [];
    for (const kind of ['cast', 'challenged'] as const) {
      let afterSeq = -1;
      for (;;) {
        const page = reconciliation.list(electionId, { kind }, { afterSeq, limit: MAX_PAGE });
        rows.push(...page);
        const last = page[page.length - 1];
        if (last === undefined || page.length < MAX_PAGE) break;
        afterSeq = last.kioskSeq;
      }
    }
    return rows.sort((a, b) => a.kioskSeq - b.kioskSeq);
  }

  // A failed verification is what staff and the technician must hear about first.
  const auditApi: AuditLog = {
    append: (event, detail) => audit.append(event, detail),
    head: () => audit.head(),
    entries: (afterSeq, limit) => audit.entries(afterSeq, limit),
    verify(anchor) {
      const v = audit.verify(anchor);
      if (v.ok) log.info(EVENTS.auditVerifyOk, { entries: v.entries });
      else log.error(EVENTS.auditVerifyFailed, { firstBadSeq: v.firstBadSeq, fault: v.fault });
      return v;
    },
  };

  const store: Store = {
    outbox,
    chain,
    audit: auditApi,
    synced: createSyncedChainData(db),
    evidence: createEvidenceLog(db, () => opts.clock.now()),
    polls,
    reconciliation,
    exportReconciliation(electionId, format, signer, staffId) {
      const rows = allRows(electionId);
      const a = audit.append(EVENTS.exportWritten, {
        staffId,
        electionId,
        format,
        rows: rows.length,
      });
      if (!a.ok) return a;
      const doc = buildExportDocument({
        kioskId: opts.kioskId,
        day: coarseDay(opts.clock.now()),
        counts: reconciliation.counts(electionId),
        ballots: rows,
        auditHead: a.value,
        chainHead: chain.head(),
      });
      log.info(EVENTS.exportWritten, { format, rows: rows.length });
      return ok(format === 'json' ? renderJson(doc, signer) : renderCsv(doc, signer));
    },
    integrityCheck() {
      const r = catchStorage(() => {
        const problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>)
          .map((x) => x.integrity_check)
          .filter((m) => m !== 'ok');
        const fk = db.pragma('foreign_key_check') as unknown[];
        if (fk.length > 0) problems.push(`${fk.length} foreign key violations`);
        return problems;
      });
      if (!r.ok) return { ok: false, problems: [`storage: ${r.error.kind}`] };
      return r.value.length === 0 ? { ok: true } : { ok: false, problems: r.value };
    },
    close() {
      if (db.open) db.close();
    },
  };
  connections.set(store, db);
  return ok(store);
}
