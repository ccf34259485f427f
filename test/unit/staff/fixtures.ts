// A provisioned test kiosk: state dir, real store, passphrase sealer at test cost, the test
// authority, the provisioning service and the staff service on a ManualClock.
import { afterAll } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CardEvent, IdDocument } from '../../../src/hardware/types.js';
import { TEST_COST } from '../../../src/main/keys/kdf.js';
import { createPassphraseSealer } from '../../../src/main/keys/passphrase-sealer.js';
import type { KeySealer } from '../../../src/main/keys/sealer.js';
import {
  createProvisioningService,
  type ProvisioningService,
} from '../../../src/main/provisioning/service.js';
import { DEFAULT_LOCKOUT, openLockoutStore } from '../../../src/main/staff/lockout.js';
import type { StaffAction } from '../../../src/main/staff/permissions.js';
import type { CardIdentity } from '../../../src/main/staff/roster.js';
import { createStaffService, type StaffService } from '../../../src/main/staff/service.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/log.js';
import { err } from '../../../src/shared/result.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { makeAuthority, type TestAuthority } from './authority.js';

export function testSealer(passphrase = 'a long enough test passphrase'): KeySealer {
  const s = createPassphraseSealer({ passphrase, cost: TEST_COST });
  if (!s.ok) throw new Error('weak passphrase');
  return s.value;
}

// Every directory a test file makes is removed when that file's tests are done (tmpfs is
// memory: leaving them behind would eat it across runs).
const made = new Set<string>();
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
  made.clear();
});

export function tempDir(): { dir: string; cleanup(): void } {
  // tmpfs where there is one: these tests check logic, and fsyncs on a shared disk are slow.
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'veche-staff-'));
  made.add(dir);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openTestStore(dir: string, clock: ManualClock, kioskId = 'kiosk-017-a'): Store {
  const s = openStore({ path: join(dir, 'kiosk.db'), kioskId, clock });
  if (!s.ok) throw new Error(`store: ${s.error.kind}`);
  return s.value;
}

export function staffCard(card: CardIdentity, surname = 'KUPALA'): IdDocument {
  return {
    format: 'TD1',
    documentCode: 'ID',
    issuingState: card.issuingState,
    documentNumber: card.documentNumber,
    surname,
    givenNames: 'YANKA',
    nationality: card.issuingState,
    birthDate: '1982-07-07',
    expiryDate: '2031-01-01',
    sex: 'male',
  };
}

export const read = (card: CardIdentity): CardEvent => ({
  type: 'read',
  document: staffCard(card),
});
export const removed: CardEvent = { type: 'removed' };

export interface TestKiosk {
  readonly stateDir: string;
  readonly clock: ManualClock;
  readonly store: Store;
  readonly authority: TestAuthority;
  readonly provisioning: ProvisioningService;
  readonly staff: StaffService;
  /** Reopen services over the same files (a host restart). */
  restart(): Promise<TestKiosk>;
  close(): void;
}

/** Builds the services; `provision` runs enrollment + import with the test authority. */
export async function makeKiosk(
  opts: {
    dir?: string;
    clock?: ManualClock;
    authority?: TestAuthority;
    provision?: boolean;
  } = {},
): Promise<TestKiosk> {
  const dir = opts.dir ?? tempDir().dir;
  const stateDir = join(dir, 'state');
  const clock = opts.clock ?? new ManualClock();
  const authority = opts.authority ?? makeAuthority();
  const store = openTestStore(dir, clock);
  const lockout = await openLockoutStore(
    join(stateDir, 'staff-lockout.cbor'),
    DEFAULT_LOCKOUT,
    clock.now(),
  );
  if (!lockout.ok) throw new Error('lockout');
  // Late-bound: the staff service needs the roster the provisioning service loads.
  const ref: { staff?: StaffService } = {};
  const provisioning = createProvisioningService({
    stateDir,
    sealer: testSealer(),
    authorityKeys: [authority.publicKey],
    clock,
    audit: store.audit,
    logger: silentLogger,
    authorize: (action: StaffAction) =>
      ref.staff?.authorize(action) ?? err({ kind: 'not-signed-in' }),
  });
  const init = await provisioning.init();
  if (!init.ok) throw new Error(`init: ${init.error.kind}`);
  const staff = createStaffService({
    roster: () => provisioning.provisioned()?.bundle.roster ?? null,
    idleTimeoutMs: () =>
      (provisioning.provisioned()?.bundle.unit.staffIdleTimeoutSec ?? 300) * 1000,
    lockout: lockout.value.store,
    clock,
    audit: store.audit,
    logger: silentLogger,
  });
  ref.staff = staff;
  if (opts.provision === true && init.value.state === 'blank') {
    const e = await provisioning.beginEnrollment({ unit: 'polotsk-city', pollingPlace: 'pp-017' });
    if (!e.ok) throw new Error(`enroll: ${e.error.kind}`);
    const imported = await provisioning.importBundle(await authority.provision(e.value.qrPayload));
    if (!imported.ok) throw new Error(`import: ${imported.error.kind}`);
  }
  const kiosk: TestKiosk = {
    stateDir,
    clock,
    store,
    authority,
    provisioning,
    staff,
    async restart() {
      kiosk.close();
      return makeKiosk({ dir, clock, authority });
    },
    close() {
      staff.stop();
      store.close();
    },
  };
  return kiosk;
}

/** Every file under dir (state files, database, WAL), for scanning. */
export function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...allFiles(p));
    else out.push(p);
  }
  return out;
}

/** Which files contain the marker, as UTF-8 or UTF-16LE. */
export function filesContaining(dir: string, marker: string): string[] {
  const needles = [Buffer.from(marker, 'utf8'), Buffer.from(marker, 'utf16le')];
  return allFiles(dir).filter((f) => {
    const bytes = readFileSync(f);
    return needles.some((n) => bytes.includes(n));
  });
}
