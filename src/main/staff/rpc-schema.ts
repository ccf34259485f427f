// Proposed RPC methods for the staff screens and the provisioning wizard, in the shape of
// src/main/rpc/schema.ts's RPC object, for the lead to merge there. The renderer never sees
// a key, a roster entry, a PIN verifier or the roll secret: only views, reports and the
// enrollment QR. Bundles travel base64url-encoded (the wizard reads them from a USB stick).
import { z } from 'zod';
import { STAFF_ACTIONS } from './permissions.js';
import { PinSchema, StaffRoleSchema } from './roster.js';

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
  'reconcile.counts': { request: electionRequest, response: CountsSchema },
  'reports.export': {
    request: z.object({ electionId: ElectionIdSchema, format: z.enum(['json', 'csv']) }).strict(),
    response: z.object({ text: z.string() }),
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
  'key-unavailable',
] as const;
