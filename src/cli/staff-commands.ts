// Staff and technician commands for a shell on the appliance, and the demo's staff wiring:
//   veche-kiosk export --kiosk-id K --out DIR [--election E] [--state-dir D | --db F]
//   veche-kiosk export --verify FILE [--public-key HEX]
//   veche-kiosk diagnose [--kiosk-id K] [--state-dir D] [--json]
// A shell on the appliance is already root, so these do not ask for a staff card: their audit
// entries carry the console staff id (docs/staff.md). Like the store commands, they refuse to
// touch the database while the host holds it.
import { existsSync, mkdirSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { HostDevices } from '../main/host.js';
import {
  CARD_COST,
  createPassphraseSealer,
  createSystemdCredsSealer,
  KIOSK_KEY_FILE,
  loadKioskKey,
  PIN_COST,
  readKioskKeyInfo,
  writeFileAtomic,
  type KeySealer,
  type KioskKeys,
  type SealerKind,
} from '../main/keys/index.js';
import { RECORD_FILE } from '../main/provisioning/index.js';
import { DEMO_STAFF, demoStaffRoster } from '../main/staff/demo-staff.js';
import { CONSOLE_STAFF_ID, createKioskStaff, type KioskStaff } from '../main/staff/kiosk-staff.js';
import { fromHex, toHex } from '../protocol/hash.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/log.js';
import { silentLogger } from '../shared/log.js';
import { assertNever, err, ok, type Result } from '../shared/result.js';
import { openStore, verifyExport } from '../store/index.js';
import type { DemoChain } from './demo-chain.js';

const DEFAULT_STATE_DIR = '/var/lib/veche-kiosk';
/** The passphrase of a passphrase-sealed key comes from here (systemd LoadCredential or the
 * technician's shell), never from a command-line argument that `ps` would show. */
const PASSPHRASE_ENV = 'VECHE_KEY_PASSPHRASE';

/** The demo's staff: the demo roster (docs/staff.md), the demo world's kiosk key for exports,
 * and the polls opened at start so a demo voter can vote at once (each opening audited). */
export async function startDemoStaff(o: {
  chain: DemoChain;
  devices: HostDevices;
  clock: Clock;
  logger: Logger;
  /** Created if missing; the demo removes it when it stops. */
  stateDir: string;
}): Promise<KioskStaff> {
  const stateDir = o.stateDir;
  mkdirSync(stateDir, { recursive: true });
  const exportDir = join(stateDir, 'export');
  mkdirSync(exportDir, { recursive: true });
  const roster = await demoStaffRoster({ card: CARD_COST, pin: PIN_COST });
  const staff = await createKioskStaff({
    store: o.chain.store,
    identity: {
      kind: 'fixed',
      kioskId: o.chain.world.kiosk.kioskId,
      roster,
      signer: o.chain.world.kiosk.signer,
      staffIdleTimeoutSec: 300,
    },
    devices: o.devices,
    clock: o.clock,
    logger: o.logger,
    stateDir,
    exportDir,
    elections: () =>
      o.chain.world.elections.map((e) => ({
        electionId: e.electionId,
        kind: e.kind,
        title: e.election.title,
      })),
    chainView: () => o.chain.view(),
    syncNow: () => o.chain.sync.runOnce(),
    evidence: o.chain.sync,
  });
  if (!staff.ok) throw new Error(`demo staff: lockout file ${staff.error.code}`);
  for (const e of o.chain.world.elections) {
    if (o.chain.store.polls.state(e.electionId) !== 'not-opened') continue;
    const r = o.chain.store.polls.apply(e.electionId, 'open', DEMO_STAFF.poll.staffId);
    if (!r.ok) throw new Error(`demo polls ${e.electionId}: ${r.error.kind}`);
  }
  console.log(`Staff exports go to ${exportDir} (removed when the demo stops)`);
  return staff.value;
}

export function sealerFor(kind: SealerKind): Result<KeySealer, string> {
  switch (kind) {
    case 'systemd-creds':
      return ok(createSystemdCredsSealer());
    case 'passphrase': {
      const passphrase = process.env[PASSPHRASE_ENV];
      if (passphrase === undefined)
        return err(`the kiosk key is passphrase-sealed: set ${PASSPHRASE_ENV}`);
      const s = createPassphraseSealer({ passphrase });
      return s.ok ? ok(s.value) : err('the passphrase is too short to be the kiosk passphrase');
    }
    default:
      return assertNever(kind, 'sealer kind');
  }
}

/**
 * The kiosk's signing key for a console command, unsealed the way the host does it; the
 * error is the sentence to print.
 */
export async function unsealKioskKey(stateDir: string): Promise<Result<KioskKeys, string>> {
  const keyPath = join(stateDir, KIOSK_KEY_FILE);
  const info = await readKioskKeyInfo(keyPath);
  if (!info.ok) {
    return err(`no usable kiosk key in ${stateDir} (${info.error.kind}): is it provisioned?`);
  }
  const sealer = sealerFor(info.value.sealer);
  if (!sealer.ok) return err(sealer.error);
  const keys = await loadKioskKey({ path: keyPath, sealer: sealer.value });
  if (!keys.ok) return err(`the kiosk key could not be unsealed (${keys.error.kind})`);
  return ok(keys.value);
}

async function verifyFile(file: string, publicKey: string | undefined): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    console.error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    return 1;
  }
  let expected: Uint8Array | undefined;
  if (publicKey !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(publicKey)) {
      console.error('--public-key is 64 hex digits (the kiosk signing key)');
      return 2;
    }
    expected = fromHex(publicKey);
  }
  const v = verifyExport(text, expected);
  if (!v.ok) {
    console.log(`${file}: NOT VALID (${v.error.kind})`);
    return 1;
  }
  console.log(
    `${file}: signature valid, kiosk key ${toHex(v.value.publicKey)}` +
      (expected === undefined ? ' (not checked against a pinned key: pass --public-key)' : ''),
  );
  return 0;
}

export async function runExport(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'state-dir': { type: 'string', default: DEFAULT_STATE_DIR },
      db: { type: 'string' },
      'kiosk-id': { type: 'string' },
      election: { type: 'string' },
      out: { type: 'string' },
      verify: { type: 'string' },
      'public-key': { type: 'string' },
    },
    strict: true,
  });
  if (values.verify !== undefined) return verifyFile(values.verify, values['public-key']);
  const kioskId = values['kiosk-id'];
  const out = values.out;
  if (kioskId === undefined || out === undefined) {
    console.error('give --kiosk-id and --out DIR (the removable drive), or --verify FILE');
    return 2;
  }
  const stateDir = values['state-dir'];
  const keys = await unsealKioskKey(stateDir);
  if (!keys.ok) {
    console.error(keys.error);
    return 1;
  }
  const path = values.db ?? join(stateDir, 'kiosk.sqlite');
  const opened = openStore({ path, kioskId, clock: systemClock(), logger: silentLogger });
  if (!opened.ok) {
    console.error(
      opened.error.kind === 'locked'
        ? `the kiosk host is using ${path}; export from the staff screen, or stop the host first`
        : `cannot open ${path}: ${opened.error.kind}`,
    );
    return 1;
  }
  const store = opened.value;
  try {
    mkdirSync(out, { recursive: true });
    const ids =
      values.election !== undefined ? [values.election] : store.reconciliation.elections();
    if (ids.length === 0) console.log('No ballots on this kiosk: nothing to export.');
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (const electionId of ids) {
      for (const format of ['json', 'csv'] as const) {
        const r = store.exportReconciliation(
          electionId,
          format,
          keys.value.signer,
          CONSOLE_STAFF_ID,
        );
        if (!r.ok) {
          console.error(`export of ${electionId} refused: ${r.error.kind}`);
          return 1;
        }
        const name = `${kioskId}-${electionId}-${stamp}.${format}`;
        const w = await writeFileAtomic(join(out, name), Buffer.from(r.value, 'utf8'));
        if (!w.ok) {
          console.error(`writing ${name} failed: ${w.error.code}`);
          return 1;
        }
        console.log(join(out, name));
      }
    }
    console.log(`signed with kiosk key ${toHex(keys.value.signingKey)}`);
    return 0;
  } finally {
    store.close();
  }
}

type Check = { name: string; status: 'ok' | 'warn' | 'fail'; detail: string };

/** Below this much free space the store may soon refuse ballots (docs/store.md, disk full). */
const LOW_DISK_BYTES = 512 * 1024 * 1024;

export async function runDiagnose(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'state-dir': { type: 'string', default: DEFAULT_STATE_DIR },
      'kiosk-id': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const stateDir = values['state-dir'];
  const checks: Check[] = [];
  const now = new Date();
  checks.push({
    name: 'clock',
    // Before the software was built means the RTC lost its time: trust periods would be off.
    status: now.getUTCFullYear() >= 2026 ? 'ok' : 'fail',
    detail: now.toISOString(),
  });
  if (!existsSync(stateDir)) {
    checks.push({ name: 'state-dir', status: 'fail', detail: `${stateDir} does not exist` });
  } else {
    const fs = await statfs(stateDir);
    const free = fs.bavail * fs.bsize;
    checks.push({
      name: 'disk',
      status: free < LOW_DISK_BYTES ? 'warn' : 'ok',
      detail: `${(free / 2 ** 30).toFixed(2)} GiB free of ${((fs.blocks * fs.bsize) / 2 ** 30).toFixed(2)} GiB`,
    });
    const key = await readKioskKeyInfo(join(stateDir, KIOSK_KEY_FILE));
    checks.push(
      key.ok
        ? {
            name: 'kiosk-key',
            status: 'ok',
            detail: `${key.value.fingerprint}, sealed by ${key.value.sealer}`,
          }
        : {
            name: 'kiosk-key',
            status: key.error.kind === 'missing' ? 'warn' : 'fail',
            detail: key.error.kind === 'missing' ? 'none (not provisioned)' : key.error.kind,
          },
    );
    checks.push({
      name: 'provisioning',
      status: existsSync(join(stateDir, RECORD_FILE)) ? 'ok' : 'warn',
      detail: existsSync(join(stateDir, RECORD_FILE)) ? 'record present' : 'not provisioned',
    });
    checks.push({
      name: 'devices',
      status: existsSync(join(stateDir, 'devices.json')) ? 'ok' : 'warn',
      detail: existsSync(join(stateDir, 'devices.json'))
        ? 'devices.json present'
        : 'no devices.json (serve --simulated only)',
    });
    const kioskId = values['kiosk-id'];
    if (kioskId !== undefined) {
      const path = join(stateDir, 'kiosk.sqlite');
      const opened = openStore({ path, kioskId, clock: systemClock(), logger: silentLogger });
      if (!opened.ok) {
        checks.push({
          name: 'store',
          status: opened.error.kind === 'locked' ? 'ok' : 'fail',
          detail: opened.error.kind === 'locked' ? 'in use by the running host' : opened.error.kind,
        });
      } else {
        const s = opened.value;
        try {
          const integrity = s.integrityCheck();
          const audit = s.audit.verify();
          const pending = s.outbox.pending(10_000).length;
          checks.push({
            name: 'store',
            status: integrity.ok ? 'ok' : 'fail',
            detail: integrity.ok ? 'integrity ok' : integrity.problems.slice(0, 3).join('; '),
          });
          checks.push({
            name: 'audit-log',
            status: audit.ok ? 'ok' : 'fail',
            detail: audit.ok
              ? `intact, ${audit.entries} entries`
              : `tampered at ${audit.firstBadSeq}`,
          });
          checks.push({
            name: 'queue',
            status: 'ok',
            detail: `${pending === 10_000 ? '≥10000' : pending} ballots not yet final`,
          });
        } finally {
          s.close();
        }
      }
    }
  }
  if (values.json) {
    console.log(JSON.stringify({ checks }));
  } else {
    for (const c of checks)
      console.log(`${c.status.toUpperCase().padEnd(4)} ${c.name}: ${c.detail}`);
  }
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}
