// The kiosk's light node (issue 7): libp2p node, light client service, state pull, outbox
// delivery and status. docs/sync.md.
export {
  SyncProvisioningSchema,
  syncProvisioningOf,
  type BundleSyncError,
  type SyncProvisioning,
  type ValidatorPeer,
} from './provisioning.js';
export { createSyncNode, bootstrapAddrs, type SyncNodeOptions } from './node.js';
export {
  createSyncService,
  describeLightError,
  type SyncService,
  type SyncServiceOptions,
  type SyncStatus,
  type PeerStatus,
} from './service.js';
export { LightClient, type Alarm, type LightError } from './light-service.js';
export {
  describeEvidenceError,
  EVIDENCE_EXPORT_FORMAT,
  EvidenceViewSchema,
  exportEvidence,
  listEvidence,
  resolveEvidence,
  verifyEvidenceFile,
  type EvidenceActionError,
  type EvidenceActor,
  type EvidenceExportDocument,
  type EvidenceView,
} from './evidence.js';
export type { StateQuery, PulledState, StatePullError } from './state-pull.js';
export { fullJitterDelay, RetrySchedule, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { toRejectReason } from './reasons.js';
export type { DeliveryStats } from './delivery.js';
export {
  checkStoredReceipt,
  ReceiptInputSchema,
  type ReceiptVerdict,
  type ReceiptFacts,
  type ReceiptCheckError,
} from './receipt-check.js';
