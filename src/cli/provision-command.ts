// `veche-kiosk provision`: the first-boot wizard's steps for a technician's shell.
//   provision enroll       --state-dir D --unit U --place P [--out FILE]
//   provision import       --state-dir D BUNDLE
//   provision status       --state-dir D [--json]
//   provision decommission --state-dir D --export-dir E [--force]
// The provisioning service, trust and store are built exactly as the composed kiosk builds
// them (src/main/kiosk-composition.ts), so a kiosk provisioned here boots provisioned. A shell
// on the appliance is already root, so the service's technician gate is answered with the
// console staff id, as the other console commands do (docs/staff.md §Console actions).
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_HOST_CONFIG, readHostConfig } from '../main/compose/config.js';
import { trustFromHostConfig } from '../main/compose/trust.js';
import { writeFileAtomic } from '../main/keys/index.js';
import { STORE_FILE, UNPROVISIONED_KIOSK_ID } from '../main/kiosk-composition.js';
import {
  createProvisioningService,
  ENROLLMENT_FILE,
  type ProvisioningError,
  type ProvisioningService,
  type ProvisioningStatus,
} from '../main/provisioning/index.js';
import { IdSchema } from '../main/provisioning/schemas.js';
import type { AuditSink } from '../main/staff/audit.js';
import { CONSOLE_STAFF_ID } from '../main/staff/kiosk-staff.js';
import { undeliveredOf } from '../main/staff/reconcile-view.js';
import { systemClock } from '../shared/clock.js';
import { silentLogger } from '../shared/log.js';
import { assertNever, err, ok, type Result } from '../shared/result.js';
import { openStore, type Store } from '../store/index.js';
import { HOST_CONFIG_ENV } from './serve.js';

const DEFAULT_STATE_DIR = '/var/lib/veche-kiosk';
export const QR_SVG_FILE = 'enrollment-qr.svg';

const USAGE = `usage: veche-kiosk provision <step> --state-dir D ...
  enroll       --unit U --place P [--out FILE]   create and seal the kiosk key, write the enrollment
  import       BUNDLE                            verify and import the authority's signed bundle
  status       [--json]                          blank, enrolling or provisioned
  decommission --export-dir E [--force]          final export, then record and keys wiped`;

/** A plain sentence for the technician; the kind stays visible for support. */
export function describeProvisioningError(e: ProvisioningError): string {
  switch (e.kind) {
    case 'not-signed-in':
    case 'forbidden':
      return 'a technician must be signed in for this';
    case 'malformed':
      return 'the bundle was refused: it is not a provisioning bundle (malformed)';
    case 'untrusted-authority':
      return 'the bundle was refused: it is not signed by an authority this kiosk trusts';
    case 'bad-signature':
      return "the bundle was refused: the authority's signature does not verify";
    case 'invalid':
      return `the bundle was refused: invalid at ${e.fields.slice(0, 5).join(', ')}`;
    case 'wrong-kiosk':
      return 'the bundle was refused: it is for another kiosk key';
    case 'roll-secret-unreadable':
      return 'the bundle was refused: its roll secret is not sealed to this kiosk';
    case 'unsupported-format':
      return `the bundle was refused: format ${e.format.slice(0, 64)} is no longer accepted; ask the authority to re-issue it`;
    case 'stale-nonce':
      return 'the bundle does not answer the pending enrollment (run `provision enroll` first, or use the newest bundle)';
    case 'enrollment-expired':
      return 'the enrollment is too old; run `provision enroll` again';
    case 'undelivered-ballots':
      return 'ballots are still undelivered: deliver them first, or pass --force to abandon them';
    case 'export-failed':
      return `the final export failed: ${e.message.slice(0, 200)}`;
    case 'io':
      return `file ${e.op} failed: ${e.code}`;
    case 'no-key':
      return 'a provisioning record exists but the kiosk key does not';
    case 'record-invalid':
      return `the stored provisioning record no longer verifies (${e.reason})`;
    case 'not-initialized':
    case 'missing':
    case 'exists':
    case 'corrupt':
    case 'sealer-mismatch':
    case 'key-mismatch':
      return `the kiosk key is unusable (${e.kind})`;
    default:
      // Sealer errors: the key store could not seal or unseal.
      return `the kiosk key could not be sealed or unsealed (${e.kind})`;
  }
}

function describeStatus(s: ProvisioningStatus): string[] {
  switch (s.state) {
    case 'blank':
      return [
        `blank${s.fingerprint !== null ? ` (kiosk key ${s.fingerprint})` : ''}: run \`provision enroll\``,
      ];
    case 'enrolling':
      return [
        `enrolling: kiosk key ${s.fingerprint}, unit ${s.unit}, polling place ${s.pollingPlace}`,
        `since ${new Date(s.createdAt).toISOString()}; waiting for the authority's bundle`,
      ];
    case 'provisioned':
      return [
        `provisioned: kiosk ${s.kioskId}, unit ${s.unitId}, polling place ${s.pollingPlace}`,
        `chain ${s.chainId}, kiosk key ${s.fingerprint}, imported ${new Date(s.importedAt).toISOString()}` +
          (s.reenrolling ? '; a re-provisioning enrollment is pending' : ''),
      ];
    default:
      return assertNever(s, 'provisioning status');
  }
}

interface Opened {
  readonly provisioning: ProvisioningService;
  readonly store: Store;
}

/** Trust, provisioning and store in the composition's order: provisioning reads the record
 * that names the store's kiosk id, and audits into the store once it is open. */
async function open(stateDir: string): Promise<Result<Opened, string>> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const configPath = process.env[HOST_CONFIG_ENV] ?? DEFAULT_HOST_CONFIG;
  const trust = trustFromHostConfig(readHostConfig(configPath), process.env);
  const clock = systemClock();
  const storeRef: { store?: Store } = {};
  const audit: AuditSink = {
    append: (event, detail) => {
      if (storeRef.store === undefined) throw new Error('audit before the store is open');
      return storeRef.store.audit.append(event, detail);
    },
  };
  const provisioning = createProvisioningService({
    stateDir,
    sealer: trust.sealer,
    authorityKeys: trust.kind === 'configured' ? trust.authorityKeys : [],
    clock,
    audit,
    logger: silentLogger,
    authorize: () => ok({ staffId: CONSOLE_STAFF_ID, role: 'technician' }),
  });
  const init = await provisioning.init();
  if (!init.ok) {
    const why = describeProvisioningError(init.error);
    return err(trust.kind === 'unavailable' ? `${why}; ${trust.reason}` : why);
  }
  const path = join(stateDir, STORE_FILE);
  const opened = openStore({
    path,
    kioskId: provisioning.provisioned()?.bundle.unit.kioskId ?? UNPROVISIONED_KIOSK_ID,
    clock,
    logger: silentLogger,
  });
  if (!opened.ok) {
    return err(
      opened.error.kind === 'locked'
        ? `the kiosk host is using ${path}; use the wizard on screen, or stop the host first`
        : `cannot open ${path}: ${opened.error.kind}`,
    );
  }
  storeRef.store = opened.value;
  if (trust.kind === 'unavailable') console.error(`warning: ${trust.reason}`);
  return ok({ provisioning, store: opened.value });
}

async function enroll(
  o: Opened,
  stateDir: string,
  unit: string,
  place: string,
  out: string | undefined,
) {
  const r = await o.provisioning.beginEnrollment({ unit, pollingPlace: place });
  if (!r.ok) {
    console.error(`enrollment failed: ${describeProvisioningError(r.error)}`);
    return 1;
  }
  const file = out ?? join(stateDir, ENROLLMENT_FILE);
  if (out !== undefined) {
    const w = await writeFileAtomic(out, r.value.file);
    if (!w.ok) {
      console.error(`writing ${out} failed: ${w.error.code}`);
      return 1;
    }
  }
  const svgPath = join(dirname(resolve(file)), QR_SVG_FILE);
  const svg = Buffer.from(r.value.svgDataUrl.split(',')[1] ?? '', 'base64');
  const s = await writeFileAtomic(svgPath, svg);
  if (!s.ok) {
    console.error(`writing ${svgPath} failed: ${s.error.code}`);
    return 1;
  }
  console.log(`kiosk key ${o.provisioning.status().fingerprint ?? '?'} sealed in the state dir`);
  console.log(`enrollment file: ${file}`);
  console.log(`QR code (SVG): ${svgPath}`);
  console.log(`QR payload: ${r.value.qrPayload}`);
  return 0;
}

async function importBundle(o: Opened, bundlePath: string) {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(bundlePath));
  } catch (e) {
    console.error(`cannot read ${bundlePath}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    return 1;
  }
  const r = await o.provisioning.importBundle(bytes);
  if (!r.ok) {
    console.error(describeProvisioningError(r.error));
    return 1;
  }
  for (const line of describeStatus(r.value)) console.log(line);
  console.log('start the host (systemctl start veche-host): it syncs from this record');
  return 0;
}

async function decommission(o: Opened, exportDir: string, force: boolean) {
  const { store } = o;
  const elections = store.reconciliation.elections();
  let undelivered = 0;
  for (const e of elections) undelivered += undeliveredOf(store.reconciliation.counts(e));
  const label = o.provisioning.provisioned()?.bundle.unit.kioskId ?? UNPROVISIONED_KIOSK_ID;
  const written: string[] = [];
  const r = await o.provisioning.decommission({
    queueEmpty: undelivered === 0,
    force,
    finalExport: async (keys) => {
      try {
        mkdirSync(exportDir, { recursive: true });
      } catch (e) {
        return err(`cannot create ${exportDir}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      // The same files the wizard writes, so the authority collects one shape either way.
      for (const electionId of elections) {
        for (const format of ['json', 'csv'] as const) {
          const text = store.exportReconciliation(
            electionId,
            format,
            keys.signer,
            CONSOLE_STAFF_ID,
          );
          if (!text.ok) return err(`export of ${electionId}: ${text.error.kind}`);
          const name = `final-${label}-${electionId}.${format}`;
          const w = await writeFileAtomic(join(exportDir, name), Buffer.from(text.value, 'utf8'));
          if (!w.ok) return err(`writing ${name}: ${w.error.code}`);
          written.push(join(exportDir, name));
        }
      }
      return ok(undefined);
    },
  });
  if (!r.ok) {
    console.error(
      r.error.kind === 'undelivered-ballots'
        ? `refused: ${undelivered} ballots are still undelivered; deliver them first, or pass --force to abandon them`
        : `decommissioning failed: ${describeProvisioningError(r.error)}`,
    );
    return 1;
  }
  for (const f of written) console.log(f);
  console.log(
    `decommissioned${force && undelivered > 0 ? ` (forced: ${undelivered} undelivered ballots abandoned)` : ''}: record and kiosk key wiped`,
  );
  return 0;
}

export async function runProvision(argv: string[]): Promise<number> {
  const [step, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        'state-dir': { type: 'string', default: DEFAULT_STATE_DIR },
        unit: { type: 'string' },
        place: { type: 'string' },
        out: { type: 'string' },
        'export-dir': { type: 'string' },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const usage = (why: string) => {
    console.error(`${why}\n${USAGE}`);
    return 2;
  };
  // Check the arguments before touching the state dir: a typo must not create a key.
  switch (step) {
    case 'enroll':
      if (values.unit === undefined || values.place === undefined)
        return usage('enroll needs --unit and --place');
      if (!IdSchema.safeParse(values.unit).success || !IdSchema.safeParse(values.place).success)
        return usage('--unit and --place are ids: letters, digits and . _ : - (up to 64)');
      break;
    case 'import':
      if (positionals.length !== 1) return usage('import needs the bundle file');
      break;
    case 'decommission':
      if (values['export-dir'] === undefined)
        return usage('decommission needs --export-dir (the removable drive)');
      break;
    case 'status':
      break;
    default:
      return usage(step === undefined ? 'which step?' : `unknown step: ${step}`);
  }
  const opened = await open(values['state-dir']);
  if (!opened.ok) {
    console.error(opened.error);
    return 1;
  }
  const o = opened.value;
  try {
    switch (step) {
      case 'enroll':
        return await enroll(
          o,
          values['state-dir'],
          values.unit ?? '',
          values.place ?? '',
          values.out,
        );
      case 'import':
        return await importBundle(o, positionals[0] ?? '');
      case 'decommission':
        return await decommission(o, values['export-dir'] ?? '', values.force);
      case 'status': {
        const s = o.provisioning.status();
        if (values.json) console.log(JSON.stringify(s));
        else for (const line of describeStatus(s)) console.log(line);
        return 0;
      }
      default:
        return usage(`unknown step: ${step}`);
    }
  } finally {
    o.store.close();
  }
}
