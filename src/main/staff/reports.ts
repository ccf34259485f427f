// The other audited staff actions on the store: running a reconciliation and exporting it
// signed with the kiosk key. Each asks the staff service first; the audit entry names the
// staff member's roster fingerprint and the election, nothing else.
import type {
  ExportFileFormat,
  ExportSigner,
  ReconciliationCounts,
  Store,
} from '../../store/index.js';
import { EVENTS } from '../../shared/events.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { AuditAppendError } from '../../store/index.js';
import type { StaffAction } from './permissions.js';
import type { AuthError, StaffPrincipal } from './service.js';

export type ReportError = AuthError | { readonly kind: 'audit'; readonly error: AuditAppendError };

export interface ReportsService {
  reconcile(electionId: string): Result<ReconciliationCounts, ReportError>;
  exportReconciliation(electionId: string, format: ExportFileFormat): Result<string, ReportError>;
  /**
   * Records that a signed export did not reach the drive (pulled, full) after its
   * `export.written` entry: the audit chain cannot take that entry back, so it says so.
   */
  exportNotWritten(
    electionId: string,
    format: ExportFileFormat,
    code: string,
  ): Result<void, ReportError>;
}

export function createReportsService(deps: {
  store: Pick<Store, 'audit' | 'reconciliation' | 'exportReconciliation'>;
  signer: ExportSigner;
  authorize(action: StaffAction): Result<StaffPrincipal, AuthError>;
}): ReportsService {
  return {
    reconcile(electionId) {
      const who = deps.authorize('reconcile.run');
      if (!who.ok) return who;
      const a = deps.store.audit.append(EVENTS.reconcileRun, {
        staffId: who.value.staffId,
        electionId,
      });
      if (!a.ok) return err({ kind: 'audit', error: a.error });
      return ok(deps.store.reconciliation.counts(electionId));
    },
    exportReconciliation(electionId, format) {
      const who = deps.authorize('report.export');
      if (!who.ok) return who;
      // The store audits the export itself, before rendering it.
      const r = deps.store.exportReconciliation(electionId, format, deps.signer, who.value.staffId);
      return r.ok ? r : err({ kind: 'audit', error: r.error });
    },
    exportNotWritten(electionId, format, code) {
      const who = deps.authorize('report.export');
      if (!who.ok) return who;
      const a = deps.store.audit.append(EVENTS.exportUnwritten, {
        staffId: who.value.staffId,
        electionId,
        format,
        code: /^[A-Z0-9_]{1,24}$/.test(code) ? code : 'EUNKNOWN',
      });
      return a.ok ? ok(undefined) : err({ kind: 'audit', error: a.error });
    },
  };
}
