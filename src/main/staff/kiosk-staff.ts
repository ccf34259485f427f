// The staff side of the host, composed: sign-in, polls, reconciliation, exports, diagnostics
// and (on a kiosk provisioned through a bundle) the provisioning wizard's methods, with the
// card router in front of the voter session. host.ts merges `handlers` into its RPC table and
// gives the voter session `router.voterReader`; the voting service asks `canVote`.
import type { Localized } from '../../protocol/election.js';
import { constants } from 'node:fs';
import { access, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CardReader,
  PrintJob,
  ReceiptPrinter,
  TouchController,
} from '../../hardware/types.js';
import type { Clock } from '../../shared/clock.js';
import { EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { assertNever, err, ok, type Result } from '../../shared/result.js';
import type { ExportSigner, Store } from '../../store/index.js';
import { describeEvidenceError, type EvidenceActionError } from '../../sync/evidence.js';
import type { SyncService } from '../../sync/service.js';
import { writeFileAtomic } from '../keys/atomic-file.js';
import type { ProvisioningError, ProvisioningService } from '../provisioning/service.js';
import type { Handlers } from '../rpc/dispatch.js';
import type { ChainView, RpcError } from '../rpc/schema.js';
import { createCardRouter, type CardRouter } from './card-router.js';
import { DEFAULT_LOCKOUT, openLockoutStore, type LockoutPolicy } from './lockout.js';
import { createPollsService, type PollsServiceError, type PollsService } from './polls.js';
import { reconcileReport, undeliveredOf } from './reconcile-view.js';
import { createReportsService, type ReportError } from './reports.js';
import type { Roster } from './roster.js';
import {
  createStaffService,
  type AuthError,
  type SignInError,
  type StaffService,
  type StaffView,
} from './service.js';
import { closingSummaryJob, reconcileJob, testPageJob, zeroReportJob } from './print-jobs.js';

/** How the kiosk knows who it is and who its staff are. */
export type KioskIdentity =
  /** Provisioned through an authority bundle (the appliance, the provisioning e2e). */
  | { readonly kind: 'provisioned'; readonly provisioning: ProvisioningService }
  /** Set up by other means (the demo's registered kiosk and its demo roster). */
  | {
      readonly kind: 'fixed';
      readonly kioskId: string;
      readonly roster: Roster;
      readonly signer: ExportSigner;
      readonly staffIdleTimeoutSec: number;
    };

export interface KioskStaffDeps {
  readonly store: Store;
  readonly identity: KioskIdentity;
  readonly devices: {
    readonly cardReader: CardReader;
    readonly printer: ReceiptPrinter;
    readonly touch: TouchController;
  };
  readonly clock: Clock;
  readonly logger: Logger;
  /** Holds the lockout counter; its file system is the one whose free space diagnostics shows. */
  readonly stateDir: string;
  /** Where exports go: the removable drive's mount point. None: export to folder is refused. */
  readonly exportDir?: string;
  /** The elections this kiosk serves (from the synced chain data). */
  elections(): readonly {
    readonly electionId: string;
    readonly kind: string;
    readonly title?: Localized;
  }[];
  readonly chainView?: () => ChainView;
  /** One sync round now (the light node hands queued ballots to the network). */
  readonly syncNow?: () => Promise<void>;
  /** The light node's evidence and its resolution; absent when the kiosk has no light node. */
  readonly evidence?: Pick<SyncService, 'evidence' | 'exportEvidence' | 'resolveEvidence'>;
  /** Whether voting runs, and if not why; shown in diagnostics. */
  readonly votingStatus?: () => { readonly available: boolean; readonly reason: string | null };
  readonly lockoutPolicy?: LockoutPolicy;
}

export interface KioskStaff {
  readonly handlers: Handlers;
  readonly staff: StaffService;
  readonly polls: PollsService;
  readonly router: CardRouter;
  canVote(electionId: string): boolean;
  close(): void;
}

const LOCKOUT_FILE = 'staff-lockout.cbor';

/** The staff id recorded for actions taken from the technician's shell, where no staff card
 * is read (see docs/staff.md): a shell on the appliance is already root. */
export const CONSOLE_STAFF_ID = '0000000000000000';

/** The wire shape: a fresh mutable list, as the schema's type wants. */
function wireView(v: StaffView) {
  return v.state === 'signed-in' ? { ...v, permissions: [...v.permissions] } : v;
}

function rpcError(kind: RpcError['kind'], message: string): RpcError {
  return { kind, message };
}

/** The RPC error kinds a failed write onto the export drive becomes. */
export type DriveErrorKind = Extract<
  RpcError['kind'],
  'export-no-drive' | 'export-drive-full' | 'export-failed'
>;

/**
 * Sorts a failed write onto the export drive by its file-system error code into what the
 * person at the kiosk can do about it (docs/staff.md, "Export errors"): insert a (writable)
 * drive, use one with room, or call a technician. The code itself stays in the message.
 */
export function driveErrorKind(code: string): DriveErrorKind {
  switch (code) {
    // No drive, or not one we may write: on the appliance an absent stick leaves the mount
    // point on the read-only root (EROFS); a write-protected stick or a file system mounted
    // read-only after errors gives EROFS, a foreign-owned one EACCES/EPERM; a configured
    // folder that is not there ENOENT/ENOTDIR; a stick pulled mid-write EIO/ENODEV/ENXIO.
    case 'ENOENT':
    case 'ENOTDIR':
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
    case 'ENODEV':
    case 'ENXIO':
    case 'EIO':
      return 'export-no-drive';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'export-drive-full';
    default:
      return 'export-failed';
  }
}

interface DriveFailure {
  readonly kind: DriveErrorKind;
  readonly code: string;
  readonly message: string;
}

function driveFailure(code: string, what: string): DriveFailure {
  return { kind: driveErrorKind(code), code, message: `${what}: ${code}` };
}

const errnoOf = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? 'EUNKNOWN';

/**
 * Whether the export folder is a directory this process may write. The folder is the drive's
 * mount point and must already be there: writeFileAtomic would create a missing one on the
 * kiosk's own disk, and an export that "succeeds" there leaves the poll worker with no file
 * on the stick. Checked before a reconciliation export is signed, because signing audits
 * `export.written`: the usual "no stick" (a missing folder, or the read-only root's mount
 * point, which access(2) answers with EROFS) then leaves no entry for a file never written.
 */
async function checkDrive(dir: string): Promise<Result<void, DriveFailure>> {
  try {
    if (!(await stat(dir)).isDirectory())
      return err(driveFailure('ENOTDIR', `export folder ${dir}`));
    await access(dir, constants.W_OK);
    return ok(undefined);
  } catch (e) {
    return err(driveFailure(errnoOf(e), `export folder ${dir}`));
  }
}

/** One export file onto the drive; the folder is checked again, as the stick may be pulled. */
async function writeToDrive(
  dir: string,
  name: string,
  data: Uint8Array,
): Promise<Result<void, DriveFailure>> {
  const ready = await checkDrive(dir);
  if (!ready.ok) return ready;
  const w = await writeFileAtomic(join(dir, name), data);
  return w.ok ? ok(undefined) : err(driveFailure(w.error.code, `writing ${name}`));
}

function authError(e: AuthError): RpcError {
  switch (e.kind) {
    case 'not-signed-in':
      return rpcError('not-signed-in', 'sign in with a staff card and PIN first');
    case 'forbidden':
      return rpcError('forbidden', `${e.role} may not ${e.action}`);
    default:
      return assertNever(e, 'auth error');
  }
}

function signInError(e: SignInError): RpcError {
  switch (e.kind) {
    case 'no-staff-card':
      return rpcError('no-staff-card', 'insert a staff card first');
    case 'invalid-pin-format':
      return rpcError('invalid-pin-format', 'a PIN is 4 to 12 digits');
    case 'busy':
      return rpcError('busy', 'a PIN is being checked');
    case 'locked':
      return rpcError('locked', `locked for ${e.retryInSec} s`);
    case 'wrong-pin':
      return rpcError('wrong-pin', `wrong PIN; wait ${e.retryInSec} s`);
    case 'storage':
      return rpcError('storage', 'the attempt counter could not be saved');
    case 'audit-failed':
      return rpcError('audit-failed', 'the sign-in could not be recorded');
    default:
      return assertNever(e, 'sign-in error');
  }
}

function pollsError(e: PollsServiceError): RpcError {
  switch (e.kind) {
    case 'not-signed-in':
    case 'forbidden':
      return authError(e);
    case 'not-allowed':
      return rpcError('not-allowed', `not from ${e.current}`);
    case 'not-zero':
      return rpcError('not-zero', `the kiosk already holds ${e.cast + e.challenged} ballots`);
    case 'store':
      return rpcError(
        e.error.kind === 'invalid' ? 'invalid-request' : 'audit-failed',
        `the store refused: ${e.error.kind}`,
      );
    default:
      return assertNever(e, 'polls error');
  }
}

function evidenceError(e: EvidenceActionError): RpcError {
  const message = describeEvidenceError(e);
  switch (e.kind) {
    case 'not-found':
      return rpcError('evidence-not-found', message);
    case 'already-resolved':
      return rpcError('evidence-resolved', message);
    case 'not-exported':
      return rpcError('evidence-not-exported', message);
    case 'forbidden':
      return rpcError('forbidden', message);
    case 'undecodable':
    case 'write-failed':
      return rpcError('export-failed', message);
    case 'storage':
      return rpcError('storage', message);
    case 'audit-failed':
      return rpcError('audit-failed', message);
    default:
      return assertNever(e, 'evidence error');
  }
}

function reportError(e: ReportError): RpcError {
  return e.kind === 'audit' ? rpcError('audit-failed', 'could not be recorded') : authError(e);
}

function provisioningError(e: ProvisioningError): RpcError {
  switch (e.kind) {
    case 'not-signed-in':
    case 'forbidden':
      return authError(e);
    case 'malformed':
    case 'untrusted-authority':
    case 'bad-signature':
    case 'invalid':
    case 'wrong-kiosk':
    case 'roll-secret-unreadable':
      return rpcError('bad-bundle', `the bundle was refused: ${e.kind}`);
    case 'unsupported-format':
      return rpcError('bad-bundle', `the bundle format ${e.format.slice(0, 64)} is not accepted`);
    case 'stale-nonce':
      return rpcError('stale-nonce', 'the bundle does not answer the pending enrollment');
    case 'enrollment-expired':
      return rpcError('enrollment-expired', 'the enrollment is too old; start a new one');
    case 'undelivered-ballots':
      return rpcError('undelivered-ballots', 'ballots are still undelivered');
    case 'export-failed':
      return rpcError('export-failed', e.message.slice(0, 200));
    case 'io':
      return rpcError('storage', `file ${e.op} failed: ${e.code}`);
    case 'not-initialized':
    case 'no-key':
    case 'missing':
    case 'exists':
    case 'record-invalid':
      return rpcError('key-unavailable', `kiosk key: ${e.kind}`);
    default:
      // Sealer errors: the key store could not seal or unseal.
      return rpcError('key-unavailable', `kiosk key: ${e.kind}`);
  }
}

export async function createKioskStaff(
  deps: KioskStaffDeps,
): Promise<Result<KioskStaff, { kind: 'lockout-file'; code: string }>> {
  const { store, clock, identity } = deps;
  const log = deps.logger.child({ module: 'staff' });
  const policy = deps.lockoutPolicy ?? DEFAULT_LOCKOUT;
  const opened = await openLockoutStore(join(deps.stateDir, LOCKOUT_FILE), policy, clock.now());
  if (!opened.ok) return err({ kind: 'lockout-file', code: opened.error.code });
  if (opened.value.recovered) log.warn(EVENTS.staffLockout, { recovered: true });

  const provisioned = () =>
    identity.kind === 'provisioned' ? identity.provisioning.provisioned() : null;
  const roster = (): Roster | null =>
    identity.kind === 'fixed' ? identity.roster : (provisioned()?.bundle.roster ?? null);
  const kioskId = (): string | null =>
    identity.kind === 'fixed' ? identity.kioskId : (provisioned()?.bundle.unit.kioskId ?? null);
  // A blank kiosk has no id until its bundle is imported; the host restarts its services then.
  const kioskLabel = (): string => kioskId() ?? 'unprovisioned';
  const signer = (): ExportSigner | null =>
    identity.kind === 'fixed' ? identity.signer : (identity.provisioning.keys()?.signer ?? null);

  const staff = createStaffService({
    roster,
    idleTimeoutMs: () =>
      (identity.kind === 'fixed'
        ? identity.staffIdleTimeoutSec
        : (provisioned()?.bundle.unit.staffIdleTimeoutSec ?? 300)) * 1000,
    lockout: opened.value.store,
    policy,
    clock,
    audit: store.audit,
    logger: deps.logger,
  });
  const authorize = staff.authorize.bind(staff);
  const polls = createPollsService({
    store,
    kioskId: kioskLabel(),
    clock,
    authorize,
  });
  const exportSigner: ExportSigner = {
    get publicKey() {
      const s = signer();
      if (s === null) throw new Error('export without a kiosk key');
      return s.publicKey;
    },
    sign(bytes) {
      const s = signer();
      if (s === null) throw new Error('export without a kiosk key');
      return s.sign(bytes);
    },
  };
  const reports = createReportsService({ store, signer: exportSigner, authorize });
  const router = createCardRouter(
    deps.devices.cardReader,
    staff,
    () => clock.now(),
    (e) => log.error(EVENTS.rpcFailed, { where: 'card-router', error: String(e) }),
  );
  let readerFault = false;
  const unsubFault = deps.devices.cardReader.onEvent((e) => {
    if (e.type === 'error') readerFault = e.reason === 'reader-fault';
    else readerFault = false;
  });

  async function print(job: PrintJob, what: string): Promise<boolean> {
    log.info(EVENTS.printStart, { what });
    const r = await deps.devices.printer.print(job);
    if (r.ok) log.info(EVENTS.printOk, { what });
    else log.warn(EVENTS.printFailed, { what, kind: r.error.kind });
    return r.ok;
  }

  const verifiedHeight = () => deps.chainView?.().verifiedHeight ?? null;

  /** Logs a failed drive export (with the file-system code) and turns it into its RPC error. */
  function driveFailed(what: string, f: DriveFailure): RpcError {
    log.warn(EVENTS.exportDriveFailed, { what, kind: f.kind, code: f.code });
    return rpcError(f.kind, f.message);
  }

  async function exportToFolder(electionId: string): Promise<Result<string[], RpcError>> {
    if (deps.exportDir === undefined) {
      return err(rpcError('no-export-folder', 'no removable drive is configured'));
    }
    log.info(EVENTS.exportDriveStart, { what: 'reconciliation', electionId });
    const ready = await checkDrive(deps.exportDir);
    if (!ready.ok) return err(driveFailed('reconciliation', ready.error));
    const files: string[] = [];
    const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
    for (const format of ['json', 'csv'] as const) {
      const r = reports.exportReconciliation(electionId, format);
      if (!r.ok) {
        log.warn(EVENTS.exportDriveFailed, { what: 'reconciliation', kind: r.error.kind });
        return err(reportError(r.error));
      }
      const name = `${kioskLabel()}-${electionId}-${stamp}.${format}`;
      const w = await writeToDrive(deps.exportDir, name, Buffer.from(r.value, 'utf8'));
      if (!w.ok) {
        // Signed and audited as written, then the drive refused it (pulled, full).
        const a = reports.exportNotWritten(electionId, format, w.error.code);
        if (!a.ok)
          log.error(EVENTS.exportDriveFailed, { what: 'unwritten audit', kind: a.error.kind });
        return err(driveFailed('reconciliation', w.error));
      }
      files.push(name);
    }
    log.info(EVENTS.exportDriveOk, { what: 'reconciliation', files: files.length });
    return ok(files);
  }

  const pollsCommand =
    (cmd: 'open' | 'pause' | 'resume' | 'close') => async (req: { electionId: string }) => {
      const r = polls.command(req.electionId, cmd);
      if (!r.ok) return err(pollsError(r.error));
      const o = r.value;
      if (o.state === 'closed') {
        const printed = await print(closingSummaryJob(o.summary), 'closing-summary');
        return ok({ state: o.state, summary: o.summary, printed });
      }
      if (o.zeroReport !== undefined) {
        const printed = await print(zeroReportJob(o.zeroReport), 'zero-report');
        return ok({ state: o.state, zeroReport: o.zeroReport, printed });
      }
      return ok({ state: o.state });
    };

  const handlers: Handlers = {
    'staff.get': () => ok(wireView(staff.view())),
    'staff.submitPin': async (req) => {
      const r = await staff.submitPin(req.pin);
      return r.ok ? ok(wireView(r.value)) : err(signInError(r.error));
    },
    'staff.signOut': () => ok(wireView(staff.signOut('requested'))),
    'polls.list': () => {
      const who = staff.authorize('queue.view');
      if (!who.ok) return err(authError(who.error));
      return ok(
        deps.elections().map((e) => ({
          electionId: e.electionId,
          ...(e.title !== undefined ? { title: e.title } : {}),
          kind: e.kind,
          state: polls.state(e.electionId),
          canVote: polls.canVote(e.electionId),
        })),
      );
    },
    'polls.get': (req) => {
      const who = staff.authorize('queue.view');
      if (!who.ok) return err(authError(who.error));
      return ok({ state: polls.state(req.electionId), canVote: polls.canVote(req.electionId) });
    },
    'polls.open': pollsCommand('open'),
    'polls.pause': pollsCommand('pause'),
    'polls.resume': pollsCommand('resume'),
    'polls.close': pollsCommand('close'),
    'reconcile.counts': (req) => {
      const r = reports.reconcile(req.electionId);
      return r.ok ? ok(r.value) : err(reportError(r.error));
    },
    'reconcile.report': (req) => {
      const r = reports.reconcile(req.electionId);
      if (!r.ok) return err(reportError(r.error));
      return ok(reconcileReport(r.value, polls.state(req.electionId), verifiedHeight()));
    },
    'reconcile.resubmit': async () => {
      const who = staff.authorize('sync.run');
      if (!who.ok) return err(authError(who.error));
      if (deps.syncNow === undefined) {
        return err(rpcError('not-available', 'this kiosk runs without a light node'));
      }
      log.info(EVENTS.syncStart, { requestedBy: 'staff' });
      await deps.syncNow();
      let undelivered = 0;
      for (const e of store.reconciliation.elections()) {
        undelivered += undeliveredOf(store.reconciliation.counts(e));
      }
      log.info(EVENTS.syncOk, { requestedBy: 'staff', undelivered });
      return ok({ undelivered });
    },
    'reports.print': async (req) => {
      const r = reports.reconcile(req.electionId);
      if (!r.ok) return err(reportError(r.error));
      const who = staff.authorize('report.print');
      if (!who.ok) return err(authError(who.error));
      const job = reconcileJob(
        reconcileReport(r.value, polls.state(req.electionId), verifiedHeight()),
        kioskLabel(),
        clock.now(),
      );
      return (await print(job, 'reconciliation'))
        ? ok({ printed: true as const })
        : err(rpcError('print-failed', 'the printer did not print'));
    },
    'reports.export': (req) => {
      const r = reports.exportReconciliation(req.electionId, req.format);
      return r.ok ? ok({ text: r.value }) : err(reportError(r.error));
    },
    'reports.exportToFolder': async (req) => {
      const r = await exportToFolder(req.electionId);
      return r.ok ? ok({ files: r.value }) : r;
    },
    'diagnostics.get': async () => {
      const who = staff.authorize('diagnostics.view');
      if (!who.ok) return err(authError(who.error));
      const [printerStatus, touch, disk] = await Promise.all([
        deps.devices.printer.status(),
        deps.devices.touch.health(),
        statfs(deps.stateDir).then(
          (s) => ({ freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize }),
          () => null,
        ),
      ]);
      const now = Math.floor(clock.now());
      return ok({
        cardReader: {
          state: readerFault ? ('fault' as const) : ('ready' as const),
          name: deps.devices.cardReader.name,
          lastEvent: router.lastActivity(),
        },
        printer: printerStatus.ok
          ? { state: 'ok' as const, name: deps.devices.printer.name, ...printerStatus.value }
          : {
              state: 'unreachable' as const,
              name: deps.devices.printer.name,
              reason: printerStatus.error.kind,
            },
        touch:
          touch.state === 'present'
            ? {
                state: 'present' as const,
                vendorId: touch.info.vendorId,
                productId: touch.info.productId,
                product: touch.info.product,
                serialNumber: touch.info.serialNumber,
              }
            : touch.state === 'fault'
              ? { state: 'fault' as const, detail: touch.detail.slice(0, 200) }
              : { state: 'absent' as const },
        sync: deps.chainView?.() ?? null,
        disk,
        clock: { now, iso: new Date(now).toISOString() },
        ...(deps.votingStatus !== undefined ? { voting: { ...deps.votingStatus() } } : {}),
      });
    },
    'diagnostics.printTest': async () => {
      const who = staff.authorize('device.test');
      if (!who.ok) return err(authError(who.error));
      return (await print(testPageJob(kioskLabel(), clock.now()), 'test-page'))
        ? ok({ printed: true as const })
        : err(rpcError('print-failed', 'the printer did not print'));
    },
  };

  // Without a light node there is no evidence: the list is empty, the actions unavailable.
  const ev = deps.evidence;
  const noLightNode = () => err(rpcError('not-available', 'this kiosk runs without a light node'));
  handlers['sync.evidence.list'] = () => {
    const who = staff.authorize('sync.view');
    if (!who.ok) return err(authError(who.error));
    return ok(ev?.evidence() ?? []);
  };
  handlers['sync.evidence.export'] = async (req) => {
    // The role is checked here, not only by hiding the button (and again by the service).
    const who = staff.authorize('evidence.export');
    if (!who.ok) return err(authError(who.error));
    if (ev === undefined) return noLightNode();
    const dir = deps.exportDir;
    if (dir === undefined)
      return err(rpcError('no-export-folder', 'no removable drive is configured'));
    const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
    // The service reports a failed delivery as text; the drive's verdict is kept aside so
    // the screen can say what to do about it.
    const drive: { failure: DriveFailure | null } = { failure: null };
    log.info(EVENTS.exportDriveStart, { what: 'evidence', id: req.id });
    const r = await ev.exportEvidence(req.id, who.value, {
      signer: exportSigner,
      kioskId: kioskLabel(),
      deliver: async (text) => {
        const name = `evidence-${kioskLabel()}-${req.id}-${stamp}.json`;
        const w = await writeToDrive(dir, name, Buffer.from(text, 'utf8'));
        if (w.ok) return ok(name);
        drive.failure = w.error;
        return err(w.error.message);
      },
    });
    if (r.ok) {
      log.info(EVENTS.exportDriveOk, { what: 'evidence', id: req.id });
      return ok({ file: r.value.file });
    }
    if (r.error.kind === 'write-failed' && drive.failure !== null) {
      return err(
        driveFailed('evidence', { ...drive.failure, message: describeEvidenceError(r.error) }),
      );
    }
    log.warn(EVENTS.exportDriveFailed, { what: 'evidence', kind: r.error.kind });
    return err(evidenceError(r.error));
  };
  handlers['sync.evidence.resolve'] = (req) => {
    const who = staff.authorize('evidence.resolve');
    if (!who.ok) return err(authError(who.error));
    if (ev === undefined) return noLightNode();
    const r = ev.resolveEvidence(req.id, who.value);
    if (!r.ok) return err(evidenceError(r.error));
    const alarmed = ev.evidence().some((x) => x.resolvedMs === null);
    return ok({ evidence: r.value, alarmed });
  };

  if (identity.kind === 'provisioned') {
    const p = identity.provisioning;
    handlers['provisioning.status'] = () => ok(p.status());
    handlers['provisioning.beginEnrollment'] = async (req) => {
      const r = await p.beginEnrollment(req);
      if (!r.ok) return err(provisioningError(r.error));
      return ok({
        qrPayload: r.value.qrPayload,
        svgDataUrl: r.value.svgDataUrl,
        pngDataUrl: r.value.pngDataUrl,
        file: Buffer.from(r.value.file).toString('base64url'),
      });
    };
    handlers['provisioning.importBundle'] = async (req) => {
      const r = await p.importBundle(new Uint8Array(Buffer.from(req.bundle, 'base64url')));
      return r.ok ? ok(r.value) : err(provisioningError(r.error));
    };
    handlers['provisioning.decommission'] = async (req) => {
      let undelivered = 0;
      for (const e of store.reconciliation.elections()) {
        undelivered += undeliveredOf(store.reconciliation.counts(e));
      }
      const v = staff.view();
      // On a blank kiosk nobody can sign in; the console id marks an unattended export.
      const staffId = v.state === 'signed-in' ? v.staffId : CONSOLE_STAFF_ID;
      // As for evidence: the provisioning service carries a failed export as text only.
      const drive: { failure: DriveFailure | null } = { failure: null };
      const r = await p.decommission({
        queueEmpty: undelivered === 0,
        ...(req.force !== undefined ? { force: req.force } : {}),
        finalExport: async (keys) => {
          if (deps.exportDir === undefined) return err('no removable drive is configured');
          log.info(EVENTS.exportDriveStart, { what: 'final' });
          const ready = await checkDrive(deps.exportDir);
          if (!ready.ok) {
            drive.failure = ready.error;
            return err(ready.error.message);
          }
          for (const electionId of store.reconciliation.elections()) {
            for (const format of ['json', 'csv'] as const) {
              const text = store.exportReconciliation(electionId, format, keys.signer, staffId);
              if (!text.ok) {
                log.warn(EVENTS.exportDriveFailed, { what: 'final', kind: text.error.kind });
                return err(`export of ${electionId}: ${text.error.kind}`);
              }
              const name = `final-${kioskLabel()}-${electionId}.${format}`;
              const w = await writeToDrive(deps.exportDir, name, Buffer.from(text.value));
              if (!w.ok) {
                drive.failure = w.error;
                return err(w.error.message);
              }
            }
          }
          log.info(EVENTS.exportDriveOk, { what: 'final' });
          return ok(undefined);
        },
      });
      if (!r.ok && r.error.kind === 'export-failed' && drive.failure !== null) {
        return err(driveFailed('final', drive.failure));
      }
      if (!r.ok) return err(provisioningError(r.error));
      staff.signOut('requested');
      return ok(r.value);
    };
  }

  return ok({
    handlers,
    staff,
    polls,
    router,
    canVote: (electionId) => polls.canVote(electionId),
    close() {
      unsubFault();
      router.stop();
      staff.stop();
    },
  });
}
