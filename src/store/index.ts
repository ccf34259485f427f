// The store's public surface. The host imports from here; the files behind it are free to move.
export {
  openStore,
  type Store,
  type StoreOptions,
  type StoreOpenError,
  type IntegrityReport,
} from './store.js';
export type {
  SealedBallot,
  Recorded,
  EnqueueError,
  Transition,
  TransitionOutcome,
  TransitionError,
  TransitionRefusal,
  BallotRow,
  PendingBallot,
  Outbox,
} from './outbox.js';
export {
  OUTBOX_STATES,
  BALLOT_KINDS,
  REJECT_REASONS,
  classifyStep,
  reachable,
  type OutboxState,
  type BallotKind,
  type RejectReason,
} from './states.js';
export type {
  AuditLog,
  AuditHead,
  AuditEntry,
  AuditVerification,
  AuditFault,
  AuditAppendError,
} from './audit.js';
export { auditEntryHash, AUDIT_GENESIS } from './audit.js';
export { AUDIT_DETAILS, type AuditEventId, type AuditDetail } from './audit-catalogue.js';
export type { ConfirmationChain, ChainLink, ChainVerification } from './chain.js';
export type {
  Reconciliation,
  ReconciliationCounts,
  KindCounts,
  ListFilter,
  Page,
} from './reconcile.js';
export {
  verifyExport,
  EXPORT_FORMAT,
  type ExportSigner,
  type ExportDocument,
  type ExportFileFormat,
  type VerifiedExport,
  type ExportVerifyError,
} from './export.js';
export type { EvidenceLog, EvidenceRecord, EvidenceError, NewEvidence } from './evidence.js';
export type { SyncedChainData, VerifiedHeader, StateItem, SyncedWriteError } from './synced.js';
export type { Polls, PollsState, PollsAction, PollsError, StaffEvent } from './polls.js';
export type { StorageError } from './errors.js';
export { ELECTION_ID_RE, STAFF_ID_RE } from './validate.js';
