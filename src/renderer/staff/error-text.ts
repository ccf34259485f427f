// What a failed staff RPC says on screen: a plain sentence in the screen's language that
// tells the poll worker what to do, never the host's technical text (DESIGN.md: "staff see a
// plain message in their language"). The technical kind and message stay available as a
// secondary line for a technician. Network and protocol failures reach the panels as the
// same error values (lib/rpc.ts), so every kind of the schema needs a sentence.
import type { RpcError } from '../../main/rpc/schema.js';
import type { StaffKey, StaffT } from './i18n/index.js';

export type StaffErrorKind = RpcError['kind'];

/**
 * Every error kind → its sentence. A mapped type over the schema's enum: a kind added there
 * does not compile until it has a sentence here. Kinds a staff screen should never meet (the
 * voter's) share the "something went wrong" sentence.
 */
export const ERROR_TEXT: { readonly [K in StaffErrorKind]: StaffKey } = {
  unauthorized: 'error.connection',
  'forbidden-origin': 'error.connection',
  'payload-too-large': 'error.too-large',
  'invalid-request': 'error.invalid-request',
  'unknown-method': 'error.not-available',
  'not-available': 'error.not-available',
  'unknown-person': 'error.internal',
  'card-present': 'error.internal',
  device: 'error.device',
  internal: 'error.internal',
  'not-signed-in': 'error.not-signed-in',
  forbidden: 'error.forbidden',
  'no-staff-card': 'error.no-staff-card',
  'invalid-pin-format': 'error.invalid-pin-format',
  busy: 'error.busy',
  locked: 'error.locked',
  'wrong-pin': 'signIn.wrong',
  'not-allowed': 'error.not-allowed',
  'not-zero': 'error.not-zero',
  storage: 'error.storage',
  'audit-failed': 'error.audit-failed',
  'bad-bundle': 'error.bad-bundle',
  'stale-nonce': 'error.stale-nonce',
  'enrollment-expired': 'error.enrollment-expired',
  'undelivered-ballots': 'error.undelivered-ballots',
  'export-failed': 'error.export-failed',
  'export-no-drive': 'error.export-no-drive',
  'export-drive-full': 'error.export-drive-full',
  'key-unavailable': 'error.key-unavailable',
  'print-failed': 'error.print-failed',
  'no-export-folder': 'error.no-export-folder',
  'evidence-not-found': 'error.evidence-not-found',
  'evidence-resolved': 'error.evidence-resolved',
  'evidence-not-exported': 'error.evidence-not-exported',
};

/** One line of a panel's status as shown: the sentence, and for a failure the detail. */
export interface ShownStatus {
  readonly text: string;
  /** The host's own words (English, technical), shown small under the sentence. */
  readonly detail?: string;
}

/**
 * What a panel's status says, kept as words to be put in the language on screen when shown:
 * a line set before the staff member switches language follows the switch.
 */
export interface StatusLine {
  readonly show: (t: StaffT) => ShownStatus;
}

export const NO_STATUS: StatusLine = { show: () => ({ text: '' }) };

/** A sentence of the staff catalogue, with the values it was said with. */
export const said = (text: (t: StaffT) => string): StatusLine => ({
  show: (t) => ({ text: text(t) }),
});

export const errorLine = (e: RpcError): StatusLine => ({
  show: (t) => ({ text: t(ERROR_TEXT[e.kind]), detail: `${e.kind}: ${e.message}` }),
});
