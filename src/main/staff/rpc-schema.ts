// Proposed RPC methods for the staff screens and the provisioning wizard, in the shape of
// src/main/rpc/schema.ts's RPC object, for the lead to merge there. The renderer never sees
// a key, a roster entry, a PIN verifier or the roll secret: only views, reports and the
// enrollment QR. Bundles travel base64url-encoded (the wizard reads them from a USB stick).
import { z } from 'zod';
import { LocalizedSchema } from '../../protocol/election.js';
import { EvidenceViewSchema } from '../../sync/evidence-schema.js';
import { STAFF_ACTIONS } from './permissions.js';
import { PinSchema, StaffRoleSchema } from './schemas.js';

const empty = z.object({}).strict();
const ElectionIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/);
const IdSchema = ElectionIdSchema;
const Hex = z.string().regex(/^[0-9a-f]*$/);

export const StaffViewSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('signed-out') }),
  z.object({
    state: z.literal('awaiting-pin'),
    role: StaffRoleSchema,
    lockedForSec: z.int().nonnegative(),
  }),
  z.object({
    state: z.literal('signed-in'),
    role: StaffRoleSchema,
    staffId: z.string().regex(/^[0-9a-f]{16}$/),
    permissions: z.array(z.enum(STAFF_ACTIONS)),
  }),
]);

export const PollsStateSchema = z.enum(['not-opened', 'open', 'paused', 'closed']);

const StateCountsSchema = z.record(z.string(), z.int().nonnegative());
const KindCountsSchema = z.object({
  total: z.int().nonnegative(),
  byState: StateCountsSchema,
  rejectedByReason: StateCountsSchema,
});
export const CountsSchema = z.object({
  electionId: ElectionIdSchema,
  cast: KindCountsSchema,
  challenged: KindCountsSchema,
});
const HeadSchema = z.object({ seq: z.int().nonnegative(), hash: Hex });

export const ZeroReportSchema = z.object({
  kind: z.literal('zero-report'),
  kioskId: IdSchema,
  electionId: ElectionIdSchema,
  staffId: z.string(),
  openedAt: z.int(),
  counts: CountsSchema,
  queueEmpty: z.boolean(),
  auditHead: HeadSchema,
});

export const ClosingSummarySchema = z.object({
  kind: z.literal('closing-summary'),
  kioskId: IdSchema,
  electionId: ElectionIdSchema,
  staffId: z.string(),
  closedAt: z.int(),
  counts: CountsSchema,
  undelivered: z.int().nonnegative(),
  queueEmpty: z.boolean(),
  auditHead: HeadSchema,
  chainHead: z.object({ kioskSeq: z.int().nonnegative(), code: Hex }).nullable(),
});

export const PollsOutcomeSchema = z.object({
  state: PollsStateSchema,
  zeroReport: ZeroReportSchema.optional(),
  summary: ClosingSummarySchema.optional(),
  /** Whether the zero report or summary came out of the printer (absent: nothing to print). */
  printed: z.boolean().optional(),
});

export const ElectionPollsSchema = z.object({
  electionId: ElectionIdSchema,
  /** The election's own title, so staff pick it by name; absent when not synced yet. */
  title: LocalizedSchema.optional(),
  kind: z.string().max(32),
  state: PollsStateSchema,
  canVote: z.boolean(),
});

/** Why a local count and the chain's differ; the renderer explains each cause. */
export const DifferenceCauseSchema = z.enum([
  'queued',
  'sent',
  'receipted',
  'rejected:duplicate-nullifier',
  'rejected:invalid-signature',
  'rejected:invalid-proof',
  'rejected:unknown-election',
  'rejected:election-closed',
  'rejected:not-eligible',
  'rejected:unregistered-kiosk',
  'rejected:malformed',
  'rejected:other',
]);

export const ReconcileReportSchema = z.object({
  electionId: ElectionIdSchema,
  polls: PollsStateSchema,
  counts: CountsSchema,
  /** Per ballot kind: what this kiosk recorded and what the verified chain shows of it. */
  lines: z.array(
    z.object({
      ballotKind: z.enum(['cast', 'challenged']),
      local: z.int().nonnegative(),
      onChain: z.int().nonnegative(),
      final: z.int().nonnegative(),
    }),
  ),
  differences: z.array(
    z.object({
      ballotKind: z.enum(['cast', 'challenged']),
      cause: DifferenceCauseSchema,
      count: z.int().positive(),
      /** Sync can still deliver it (queued or sent); rejected ballots are final refusals. */
      resubmittable: z.boolean(),
    }),
  ),
  balanced: z.boolean(),
  verifiedHeight: z.int().nullable(),
});

export const DiagnosticsSchema = z.object({
  cardReader: z.object({
    state: z.enum(['ready', 'fault']),
    name: z.string(),
    lastEvent: z
      .object({
        event: z.enum(['present', 'read', 'removed', 'error']),
        at: z.int(),
        routedTo: z.enum(['staff', 'voter']),
      })
      .nullable(),
  }),
  printer: z.discriminatedUnion('state', [
    z.object({
      state: z.literal('ok'),
      name: z.string(),
      online: z.boolean(),
      coverOpen: z.boolean(),
      paperNearEnd: z.boolean(),
      paperOut: z.boolean(),
      error: z.boolean(),
    }),
    z.object({ state: z.literal('unreachable'), name: z.string(), reason: z.string().max(64) }),
  ]),
  touch: z.discriminatedUnion('state', [
    z.object({
      state: z.literal('present'),
      vendorId: z.int(),
      productId: z.int(),
      product: z.string().nullable(),
      serialNumber: z.string().nullable(),
    }),
    z.object({ state: z.literal('absent') }),
    z.object({ state: z.literal('fault'), detail: z.string().max(200) }),
  ]),
  sync: z
    .object({
      verifiedHeight: z.int().nullable(),
      latestHeight: z.int(),
      lag: z.int(),
      peers: z.int(),
      queue: z.record(z.string(), z.int()),
      alarm: z.string().nullable(),
      lastError: z.string().nullable(),
    })
    .nullable(),
  disk: z
    .object({ freeBytes: z.number().nonnegative(), totalBytes: z.number().nonnegative() })
    .nullable(),
  clock: z.object({ now: z.int(), iso: z.string() }),
  /** Whether this kiosk can take votes, and if not why (docs/composition.md). */
  voting: z.object({ available: z.boolean(), reason: z.string().max(200).nullable() }).optional(),
});

export const ProvisioningStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('blank'), fingerprint: z.string().nullable() }),
  z.object({
    state: z.literal('enrolling'),
    fingerprint: z.string(),
    unit: IdSchema,
    pollingPlace: IdSchema,
    createdAt: z.int(),
    qrPayload: z.string(),
  }),
  z.object({
    state: z.literal('provisioned'),
    fingerprint: z.string(),
    kioskId: IdSchema,
    unitId: IdSchema,
    pollingPlace: IdSchema,
    chainId: z.string(),
    importedAt: z.int(),
    reenrolling: z.boolean(),
  }),
]);

const electionRequest = z.object({ electionId: ElectionIdSchema }).strict();
const evidenceRequest = z.object({ id: z.int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();

/** Method name → request/response schemas; merge into RPC in src/main/rpc/schema.ts. */
export const STAFF_RPC = {
  'staff.get': { request: empty, response: StaffViewSchema },
  'staff.submitPin': { request: z.object({ pin: PinSchema }).strict(), response: StaffViewSchema },
  'staff.signOut': { request: empty, response: StaffViewSchema },
  'polls.get': {
    request: electionRequest,
    response: z.object({ state: PollsStateSchema, canVote: z.boolean() }),
  },
  'polls.open': { request: electionRequest, response: PollsOutcomeSchema },
  'polls.pause': { request: electionRequest, response: PollsOutcomeSchema },
  'polls.resume': { request: electionRequest, response: PollsOutcomeSchema },
  'polls.close': { request: electionRequest, response: PollsOutcomeSchema },
  'polls.list': { request: empty, response: z.array(ElectionPollsSchema) },
  'reconcile.counts': { request: electionRequest, response: CountsSchema },
  /** Audited as reconcile.run: local counts against the verified chain, explained. */
  'reconcile.report': { request: electionRequest, response: ReconcileReportSchema },
  /** Hands what is still queued to the network now (one sync round). */
  'reconcile.resubmit': {
    request: empty,
    response: z.object({ undelivered: z.int().nonnegative() }),
  },
  'reports.print': {
    request: electionRequest,
    response: z.object({ printed: z.literal(true) }),
  },
  /** Signed JSON and CSV into the export folder (the removable drive's mount). */
  'reports.exportToFolder': {
    request: electionRequest,
    response: z.object({ files: z.array(z.string().max(255)).max(4) }),
  },
  'diagnostics.get': { request: empty, response: DiagnosticsSchema },
  'diagnostics.printTest': { request: empty, response: z.object({ printed: z.literal(true) }) },
  'reports.export': {
    request: z.object({ electionId: ElectionIdSchema, format: z.enum(['json', 'csv']) }).strict(),
    response: z.object({ text: z.string() }),
  },
  /** Light-client evidence of this chain, newest first (docs/sync.md, "Resolving evidence"). */
  'sync.evidence.list': { request: empty, response: z.array(EvidenceViewSchema).max(10_000) },
  /** Technician: the signed evidence file onto the export folder, for the authority. */
  'sync.evidence.export': {
    request: evidenceRequest,
    response: z.object({ file: z.string().max(255) }),
  },
  /** Technician, after an export: marks it resolved and clears its alarm (trust stays). */
  'sync.evidence.resolve': {
    request: evidenceRequest,
    response: z.object({ evidence: EvidenceViewSchema, alarmed: z.boolean() }),
  },
  'provisioning.status': { request: empty, response: ProvisioningStatusSchema },
  'provisioning.beginEnrollment': {
    request: z.object({ unit: IdSchema, pollingPlace: IdSchema }).strict(),
    response: z.object({
      qrPayload: z.string(),
      svgDataUrl: z.string(),
      pngDataUrl: z.string(),
      /** The enrollment file for the USB stick, base64url. */
      file: z.string(),
    }),
  },
  'provisioning.importBundle': {
    request: z.object({ bundle: z.string().regex(/^[A-Za-z0-9_-]{1,1400000}$/) }).strict(),
    response: ProvisioningStatusSchema,
  },
  'provisioning.decommission': {
    request: z.object({ force: z.boolean().optional() }).strict(),
    response: ProvisioningStatusSchema,
  },
} as const;

/** Error kinds these methods add to RpcErrorSchema's enum. */
export const STAFF_RPC_ERROR_KINDS = [
  'not-signed-in',
  'forbidden',
  'no-staff-card',
  'invalid-pin-format',
  'busy',
  'locked',
  'wrong-pin',
  'not-allowed',
  'not-zero',
  'storage',
  'audit-failed',
  'bad-bundle',
  'stale-nonce',
  'enrollment-expired',
  'undelivered-ballots',
  'export-failed',
  /** The export drive is missing, read-only or was pulled (docs/staff.md, "Export errors"). */
  'export-no-drive',
  /** The export drive has no room left. */
  'export-drive-full',
  'key-unavailable',
  'print-failed',
  'no-export-folder',
  'evidence-not-found',
  'evidence-resolved',
  'evidence-not-exported',
] as const;
