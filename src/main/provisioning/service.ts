// Provisioning on the kiosk: key → enrollment request → authority bundle → provisioning
// record; later re-provisioning (same key, same queue, new bundle) and decommissioning
// (final export, then keys and record wiped). A blank kiosk has no roster and so no staff:
// there, the authority's signature over a bundle naming this kiosk's key and nonce is the
// only gate. Once provisioned, every step needs a signed-in technician.
import { join } from 'node:path';
import type { Clock } from '../../shared/clock.js';
import { EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { err, ok, type Result } from '../../shared/result.js';
import { decodeCanonical, encodeCanonical } from '../../protocol/encoding.js';
import {
  readFileIfExists,
  wipeFile,
  writeFileAtomic,
  type FileError,
} from '../keys/atomic-file.js';
import {
  createKioskKey,
  KIOSK_KEY_FILE,
  loadKioskKey,
  wipeKioskKey,
  type KioskKeyError,
  type KioskKeys,
} from '../keys/kiosk-key.js';
import type { KeySealer } from '../keys/sealer.js';
import type { AuditSink } from '../staff/audit.js';
import type { StaffAction } from '../staff/permissions.js';
import type { AuthError, StaffPrincipal } from '../staff/service.js';
import { verifyBundle, type BundleError, type VerifiedBundle } from './bundle.js';
import {
  createEnrollment,
  enrollmentQrPayload,
  parseEnrollment,
  renderEnrollmentQr,
} from './enrollment.js';
import { RECORD_FORMAT, RecordSchema, type EnrollmentRequest } from './schemas.js';

export const ENROLLMENT_FILE = 'enrollment.cbor';
export const RECORD_FILE = 'provisioning.cbor';
/** An enrollment older than this is refused: the authority should not answer it any more. */
export const DEFAULT_MAX_ENROLLMENT_AGE_MS = 30 * 24 * 3600 * 1000;

export type ProvisioningStatus =
  | { readonly state: 'blank'; readonly fingerprint: string | null }
  | {
      readonly state: 'enrolling';
      readonly fingerprint: string;
      readonly unit: string;
      readonly pollingPlace: string;
      readonly createdAt: number;
      readonly qrPayload: string;
    }
  | {
      readonly state: 'provisioned';
      readonly fingerprint: string;
      readonly kioskId: string;
      readonly unitId: string;
      readonly pollingPlace: string;
      readonly chainId: string;
      readonly importedAt: number;
      /** A re-provisioning enrollment is pending. */
      readonly reenrolling: boolean;
    };

/** The provisioned state the host builds its services from. The roll secret is in memory only. */
export interface Provisioned {
  readonly bundle: VerifiedBundle['bundle'];
  readonly rollSecret: Uint8Array;
  readonly importedAt: number;
}

export type ProvisioningError =
  | AuthError
  | KioskKeyError
  | BundleError
  | { readonly kind: 'not-initialized' }
  | { readonly kind: 'no-key' }
  | { readonly kind: 'enrollment-expired' }
  /** The stored record no longer verifies (tampered, or the pinned authority changed). */
  | { readonly kind: 'record-invalid'; readonly reason: BundleError['kind'] | 'malformed' }
  | { readonly kind: 'undelivered-ballots' }
  | { readonly kind: 'export-failed'; readonly message: string };

export interface EnrollmentOutput {
  readonly request: EnrollmentRequest;
  readonly file: Uint8Array;
  readonly qrPayload: string;
  readonly svgDataUrl: string;
  readonly pngDataUrl: string;
}

export interface ProvisioningService {
  /** Loads (unseals) the key and re-verifies the stored record. Call once at start. */
  init(): Promise<Result<ProvisioningStatus, ProvisioningError>>;
  status(): ProvisioningStatus;
  keys(): KioskKeys | null;
  provisioned(): Provisioned | null;
  beginEnrollment(where: {
    unit: string;
    pollingPlace: string;
  }): Promise<Result<EnrollmentOutput, ProvisioningError>>;
  importBundle(signedBundle: Uint8Array): Promise<Result<ProvisioningStatus, ProvisioningError>>;
  decommission(opts: {
    /** Undelivered ballots would be lost with the key's registration: refuse unless forced. */
    queueEmpty: boolean;
    force?: boolean;
    /** Runs while the key still exists (it signs the export); must succeed first. */
    finalExport(keys: KioskKeys): Promise<Result<void, string>>;
  }): Promise<Result<ProvisioningStatus, ProvisioningError>>;
}

export interface ProvisioningDeps {
  stateDir: string;
  sealer: KeySealer;
  /** Pinned in the image/config. */
  authorityKeys: readonly Uint8Array[];
  clock: Clock;
  audit: AuditSink;
  logger: Logger;
  authorize(action: StaffAction): Result<StaffPrincipal, AuthError>;
  maxEnrollmentAgeMs?: number;
}

type Pending = { request: EnrollmentRequest; file: Uint8Array; qrPayload: string };

function failedStep(
  e: ProvisioningError,
): 'identity' | 'jurisdiction' | 'bootstrap' | 'checkpoint' {
  if (e.kind !== 'invalid') return 'identity';
  const first = e.fields[0] ?? '';
  if (first.startsWith('checkpoint')) return 'checkpoint';
  if (first.startsWith('validators')) return 'bootstrap';
  if (first.startsWith('unit') || first === 'roll' || first.startsWith('roll.'))
    return 'jurisdiction';
  return 'identity';
}

export function createProvisioningService(deps: ProvisioningDeps): ProvisioningService {
  const log = deps.logger.child({ module: 'provisioning' });
  const keyPath = join(deps.stateDir, KIOSK_KEY_FILE);
  const enrollmentPath = join(deps.stateDir, ENROLLMENT_FILE);
  const recordPath = join(deps.stateDir, RECORD_FILE);
  const maxAge = deps.maxEnrollmentAgeMs ?? DEFAULT_MAX_ENROLLMENT_AGE_MS;

  let initialized = false;
  let keys: KioskKeys | null = null;
  let pending: Pending | null = null;
  let current: Provisioned | null = null;

  const audit: AuditSink['append'] = (event, detail) => {
    const a = deps.audit.append(event, detail);
    if (!a.ok) log.error(event, { audit: a.error.kind });
    return a;
  };

  function status(): ProvisioningStatus {
    if (current !== null && keys !== null) {
      const u = current.bundle.unit;
      return {
        state: 'provisioned',
        fingerprint: keys.fingerprint,
        kioskId: u.kioskId,
        unitId: u.unitId,
        pollingPlace: u.pollingPlace,
        chainId: current.bundle.chainId,
        importedAt: current.importedAt,
        reenrolling: pending !== null,
      };
    }
    if (pending !== null && keys !== null) {
      return {
        state: 'enrolling',
        fingerprint: keys.fingerprint,
        unit: pending.request.unit,
        pollingPlace: pending.request.pollingPlace,
        createdAt: pending.request.createdAt,
        qrPayload: pending.qrPayload,
      };
    }
    return { state: 'blank', fingerprint: keys?.fingerprint ?? null };
  }

  /** Once provisioned, only a technician may change provisioning. */
  function gate(action: StaffAction): Result<void, ProvisioningError> {
    if (current === null) return ok(undefined);
    const who = deps.authorize(action);
    return who.ok ? ok(undefined) : who;
  }

  async function loadPending(k: KioskKeys): Promise<Result<Pending | null, FileError>> {
    const raw = await readFileIfExists(enrollmentPath);
    if (!raw.ok) return raw;
    if (raw.value === null) return ok(null);
    const p = parseEnrollment(raw.value);
    // An unreadable or foreign pending enrollment is simply not pending: start a new one.
    if (!p.ok || !Buffer.from(p.value.request.signingKey).equals(k.signingKey)) return ok(null);
    return ok({ ...p.value, qrPayload: enrollmentQrPayload(p.value.file) });
  }

  async function loadRecord(k: KioskKeys): Promise<Result<Provisioned | null, ProvisioningError>> {
    const raw = await readFileIfExists(recordPath);
    if (!raw.ok) return raw;
    if (raw.value === null) return ok(null);
    const d = decodeCanonical(raw.value);
    const r = d.ok ? RecordSchema.safeParse(d.value) : undefined;
    if (r === undefined || !r.success) return err({ kind: 'record-invalid', reason: 'malformed' });
    const v = verifyBundle(r.data.signedBundle, {
      authorityKeys: deps.authorityKeys,
      kiosk: k,
      expectedNonce: null,
    });
    if (!v.ok) return err({ kind: 'record-invalid', reason: v.error.kind });
    return ok({
      bundle: v.value.bundle,
      rollSecret: v.value.rollSecret,
      importedAt: r.data.importedAt,
    });
  }

  return {
    async init() {
      const k = await loadKioskKey({ path: keyPath, sealer: deps.sealer });
      initialized = true;
      if (!k.ok) {
        if (k.error.kind !== 'missing') return k;
        const stray = await readFileIfExists(recordPath);
        if (stray.ok && stray.value !== null) return err({ kind: 'no-key' });
        return ok(status());
      }
      keys = k.value;
      const rec = await loadRecord(k.value);
      if (!rec.ok) return rec;
      current = rec.value;
      const p = await loadPending(k.value);
      if (!p.ok) return p;
      pending = p.value;
      return ok(status());
    },
    status,
    keys: () => keys,
    provisioned: () => current,

    async beginEnrollment(where) {
      if (!initialized) return err({ kind: 'not-initialized' });
      const g = gate('provision.enroll');
      if (!g.ok) return g;
      if (keys === null) {
        const created = await createKioskKey({ path: keyPath, sealer: deps.sealer });
        if (!created.ok) return created;
        keys = created.value;
        audit(EVENTS.keyGenerated, { role: 'kiosk-signing', fingerprint: keys.fingerprint });
        log.info(EVENTS.keyGenerated, { role: 'kiosk-signing', sealer: deps.sealer.kind });
      }
      const e = createEnrollment(keys, where, deps.clock);
      const w = await writeFileAtomic(enrollmentPath, e.file);
      if (!w.ok) return w;
      pending = { request: e.request, file: e.file, qrPayload: e.qrPayload };
      audit(EVENTS.provisionStart, {});
      log.info(EVENTS.provisionStart, { reprovision: current !== null });
      const qr = await renderEnrollmentQr(e.qrPayload);
      return ok({ ...e, ...qr });
    },

    async importBundle(signedBundle) {
      if (!initialized) return err({ kind: 'not-initialized' });
      const g = gate('provision.import');
      if (!g.ok) return g;
      const fail = (e: ProvisioningError): Result<never, ProvisioningError> => {
        audit(EVENTS.provisionFailed, { step: failedStep(e) });
        log.warn(EVENTS.provisionFailed, { reason: e.kind });
        return err(e);
      };
      if (keys === null) return fail({ kind: 'no-key' });
      if (pending === null) return fail({ kind: 'stale-nonce' });
      if (pending.request.createdAt + maxAge < deps.clock.now()) {
        return fail({ kind: 'enrollment-expired' });
      }
      const v = verifyBundle(signedBundle, {
        authorityKeys: deps.authorityKeys,
        kiosk: keys,
        expectedNonce: pending.request.nonce,
      });
      if (!v.ok) return fail(v.error);
      const importedAt = Math.floor(deps.clock.now());
      const w = await writeFileAtomic(
        recordPath,
        encodeCanonical({ format: RECORD_FORMAT, signedBundle, importedAt }),
      );
      if (!w.ok) return fail(w.error);
      // The nonce is single-use: with the pending request gone, the same bundle cannot be
      // imported again (say, to roll back a later re-provisioning).
      const wiped = await wipeFile(enrollmentPath);
      if (!wiped.ok) log.error(EVENTS.provisionOk, { enrollmentWipe: wiped.error.code });
      pending = null;
      current = { bundle: v.value.bundle, rollSecret: v.value.rollSecret, importedAt };
      audit(EVENTS.provisionOk, { kioskKey: keys.fingerprint });
      log.info(EVENTS.provisionOk, { staff: v.value.bundle.roster.staff.length });
      return ok(status());
    },

    async decommission(opts) {
      if (!initialized) return err({ kind: 'not-initialized' });
      const g = gate('provision.decommission');
      if (!g.ok) return g;
      if (!opts.queueEmpty && opts.force !== true) return err({ kind: 'undelivered-ballots' });
      if (keys !== null && current !== null) {
        const x = await opts.finalExport(keys);
        if (!x.ok) return err({ kind: 'export-failed', message: x.error });
      }
      const fingerprint = keys?.fingerprint ?? null;
      for (const path of [recordPath, enrollmentPath]) {
        const r = await wipeFile(path);
        if (!r.ok) return r;
      }
      const k = await wipeKioskKey(keyPath);
      if (!k.ok) return k;
      current?.rollSecret.fill(0);
      current = null;
      pending = null;
      keys = null;
      audit(EVENTS.provisionDecommission, { forced: opts.force === true });
      if (fingerprint !== null && k.value.existed) {
        audit(EVENTS.keyWiped, { role: 'kiosk-signing', fingerprint });
      }
      log.warn(EVENTS.provisionDecommission, { forced: opts.force === true });
      return ok(status());
    },
  };
}
