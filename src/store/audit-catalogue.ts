// What may be written to the audit log: for each event id of the catalogue
// (src/shared/events.ts) that is audited, a strict schema of its detail. Strict objects refuse
// unknown keys and every string is an enum or an id pattern, so a name, a document number or
// a choice has no field to travel in. There are deliberately no per-ballot events: an audit
// entry carries a fine time, and "a ballot was enqueued at 10:32" next to the public kiosk
// sequence would link a voter seen at the kiosk to their ballot (DESIGN.md §4).
import { z } from 'zod';
import { EVENTS } from '../shared/events.js';
import { countSchema, electionIdSchema, hex32Schema, staffIdSchema } from './validate.js';

const device = z.enum(['card-reader', 'printer', 'touch']);
const deviceFault = z.enum([
  'paper-out',
  'cover-open',
  'io-error',
  'garbage',
  'timeout',
  'unplugged',
  'other',
]);
const keyRole = z.enum(['kiosk-signing', 'libp2p', 'staff']);
const fingerprint = z.string().regex(/^[0-9a-f]{16}$/);
const staffAction = z.strictObject({ staffId: staffIdSchema, electionId: electionIdSchema });
// The staff side's roles and action names (src/main/staff/permissions.ts), by shape: the
// store does not depend on the host's modules.
const staffRole = z.enum(['poll-staff', 'technician']);
const staffActionName = z.string().regex(/^[a-z]{1,24}\.[a-z]{1,24}$/);

export const AUDIT_DETAILS = {
  [EVENTS.storeOpen]: z.strictObject({ schemaVersion: countSchema }),
  [EVENTS.storeMigrate]: z.strictObject({ from: countSchema, to: countSchema }),
  [EVENTS.storeDiskFull]: z.strictObject({}),
  [EVENTS.auditVerifyOk]: z.strictObject({ entries: countSchema }),
  [EVENTS.auditVerifyFailed]: z.strictObject({ firstBadSeq: countSchema }),
  [EVENTS.exportWritten]: z.strictObject({
    staffId: staffIdSchema,
    electionId: electionIdSchema,
    format: z.enum(['json', 'csv']),
    rows: countSchema,
  }),
  [EVENTS.exportUnwritten]: z.strictObject({
    staffId: staffIdSchema,
    electionId: electionIdSchema,
    format: z.enum(['json', 'csv']),
    /** The file-system code (ENOSPC, EIO, …): why the drive did not take it. */
    code: z.string().regex(/^[A-Z0-9_]{1,24}$/),
  }),
  [EVENTS.staffSignIn]: z.strictObject({ staffId: staffIdSchema }),
  [EVENTS.staffSignInFailed]: z.strictObject({ attempts: countSchema }),
  [EVENTS.staffSignOut]: z.strictObject({ staffId: staffIdSchema }),
  [EVENTS.staffLockout]: z.strictObject({ seconds: countSchema }),
  /** A signed-in staff member asked for an action outside their role. */
  [EVENTS.staffDenied]: z.strictObject({
    staffId: staffIdSchema,
    role: staffRole,
    action: staffActionName,
  }),
  [EVENTS.pollsOpen]: staffAction,
  [EVENTS.pollsPause]: staffAction,
  [EVENTS.pollsClose]: staffAction,
  [EVENTS.reconcileRun]: staffAction,
  [EVENTS.provisionStart]: z.strictObject({}),
  [EVENTS.provisionOk]: z.strictObject({ kioskKey: fingerprint }),
  [EVENTS.provisionFailed]: z.strictObject({
    step: z.enum(['identity', 'jurisdiction', 'bootstrap', 'checkpoint', 'devices']),
  }),
  /** The record and keys are wiped; `forced`: undelivered ballots were abandoned. */
  [EVENTS.provisionDecommission]: z.strictObject({ forced: z.boolean() }),
  [EVENTS.keyGenerated]: z.strictObject({ role: keyRole, fingerprint }),
  [EVENTS.keyWiped]: z.strictObject({ role: keyRole, fingerprint }),
  [EVENTS.deviceConnected]: z.strictObject({ device }),
  [EVENTS.deviceDisconnected]: z.strictObject({ device }),
  [EVENTS.deviceFault]: z.strictObject({ device, fault: deviceFault }),
  [EVENTS.printFailed]: z.strictObject({ fault: deviceFault }),
  [EVENTS.syncOk]: z.strictObject({
    height: countSchema,
    submitted: countSchema,
    receipted: countSchema,
    finalized: countSchema,
    rejected: countSchema,
  }),
  [EVENTS.syncFailed]: z.strictObject({
    reason: z.enum(['no-peers', 'timeout', 'verification-failed', 'protocol-error', 'other']),
  }),
  [EVENTS.headerRejected]: z.strictObject({
    height: countSchema,
    reason: z.enum([
      'insufficient-power',
      'expired-trust',
      'future-time',
      'duplicate-signer',
      'bad-signature',
      'bad-link',
      'other',
    ]),
  }),
  [EVENTS.witnessConflict]: z.strictObject({
    height: countSchema,
    primary: hex32Schema,
    witness: hex32Schema,
  }),
  [EVENTS.evidenceExported]: z.strictObject({
    staffId: staffIdSchema,
    evidenceId: countSchema,
    height: countSchema,
  }),
  [EVENTS.evidenceResolved]: z.strictObject({
    staffId: staffIdSchema,
    evidenceId: countSchema,
    height: countSchema,
  }),
} as const;

export type AuditEventId = keyof typeof AUDIT_DETAILS;
export type AuditDetail<E extends AuditEventId> = z.input<(typeof AUDIT_DETAILS)[E]>;

export function isAuditEventId(event: string): event is AuditEventId {
  return Object.prototype.hasOwnProperty.call(AUDIT_DETAILS, event);
}
