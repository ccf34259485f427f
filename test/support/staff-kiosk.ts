// A host with the staff side wired in, for the staff unit and e2e tests: in-memory devices
// (card events are emitted directly, the printer records its jobs), a real store on tmpfs,
// the demo roster at test cost, a ManualClock so lockouts and idle timeouts can be driven,
// and an export folder.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CardEvent, IdDocument, PrintJob } from '../../src/hardware/types.js';
import { createHost, type Host } from '../../src/main/host.js';
import type {
  ChainView,
  Language,
  RpcMethod,
  RpcReply,
  RpcRequest,
  RpcResponse,
} from '../../src/main/rpc/schema.js';
import { TEST_COST } from '../../src/main/keys/kdf.js';
import {
  DEMO_STAFF,
  demoStaffRoster,
  type DemoStaffMember,
} from '../../src/main/staff/demo-staff.js';
import {
  createKioskStaff,
  type KioskStaff,
  type KioskStaffDeps,
} from '../../src/main/staff/kiosk-staff.js';
import { ManualClock } from '../../src/shared/clock.js';
import { silentLogger, type Logger } from '../../src/shared/log.js';
import { ok } from '../../src/shared/result.js';
import { openStore, type ExportSigner, type Store } from '../../src/store/index.js';
import { generateKeyPairSync, sign } from 'node:crypto';
import { ALICE, fakeDevices } from './fake-devices.js';

export const KIOSK_ID = 'kiosk-017-a';
export const ELECTIONS = [
  { electionId: 'e-2026-council', kind: 'general' },
  { electionId: 'e-2026-mayor', kind: 'office' },
];

export function staffDocument(m: DemoStaffMember): IdDocument {
  return {
    format: 'TD1',
    documentCode: 'ID',
    issuingState: m.card.issuingState,
    documentNumber: m.card.documentNumber,
    surname: 'STAFF',
    givenNames: m.role === 'technician' ? 'TECH' : 'POLL',
    nationality: 'BLR',
    birthDate: '1980-01-01',
    expiryDate: '2035-01-01',
    sex: 'unspecified',
  };
}

export function testExportSigner(): ExportSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)),
    sign: (bytes) => new Uint8Array(sign(null, bytes, privateKey)),
  };
}

export interface StaffTestKiosk {
  readonly host: Host;
  readonly store: Store;
  readonly staff: KioskStaff;
  readonly clock: ManualClock;
  readonly signer: ExportSigner;
  readonly exportDir: string;
  readonly printed: PrintJob[];
  /** Emits a card event as the reader would, and waits until the router has handled it. */
  card(e: CardEvent): Promise<void>;
  insertStaff(m?: DemoStaffMember): Promise<void>;
  insertVoter(): Promise<void>;
  removeCard(): Promise<void>;
  rpc<M extends RpcMethod>(method: M, body?: RpcRequest<M>): Promise<RpcReply<M>>;
  /** The method's value; throws (failing the test) on an error reply. */
  value<M extends RpcMethod>(method: M, body?: RpcRequest<M>): Promise<RpcResponse<M>>;
  /** The error kind; throws (failing the test) when the call succeeded. */
  errorKind<M extends RpcMethod>(method: M, body?: RpcRequest<M>): Promise<string>;
  syncRounds: number;
  close(): Promise<void>;
}

export async function startStaffKiosk(
  opts: {
    rendererDir?: string;
    logger?: Logger;
    /** The kiosk's own sync round (a real sync service in the e2e); counted either way. */
    syncNow?: (store: Store) => void | Promise<void>;
    defaultLanguage?: Language;
    /** The registered kiosk's id when the test delivers to a devnet; KIOSK_ID otherwise. */
    kioskId?: string;
    elections?: readonly { electionId: string; kind: string }[];
    /** The kiosk's chain as its light node sees it; a fixed, caught-up view otherwise. */
    chainView?: () => ChainView;
    /** The light node's evidence over this kiosk's store; none: no light node. */
    evidence?: (store: Store) => NonNullable<KioskStaffDeps['evidence']>;
  } = {},
): Promise<StaffTestKiosk> {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'veche-staff-kiosk-'));
  const stateDir = join(dir, 'state');
  const exportDir = join(dir, 'usb');
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(exportDir, { recursive: true });
  const clock = new ManualClock();
  const logger = opts.logger ?? silentLogger;
  const fake = fakeDevices();
  const printed: PrintJob[] = [];
  const printer = {
    ...fake.devices.printer,
    print: async (job: PrintJob) => {
      printed.push(job);
      return ok(undefined);
    },
  };
  const kioskId = opts.kioskId ?? KIOSK_ID;
  const elections = opts.elections ?? ELECTIONS;
  const opened = openStore({ path: join(dir, 'kiosk.sqlite'), kioskId, clock });
  if (!opened.ok) throw new Error(`store: ${opened.error.kind}`);
  const store = opened.value;
  const signer = testExportSigner();
  const roster = await demoStaffRoster({ card: TEST_COST, pin: TEST_COST });
  const state = { syncRounds: 0 };
  const staff = await createKioskStaff({
    store,
    identity: { kind: 'fixed', kioskId, roster, signer, staffIdleTimeoutSec: 300 },
    devices: { ...fake.devices, printer },
    clock,
    logger,
    stateDir,
    exportDir,
    elections: () => elections,
    chainView:
      opts.chainView ??
      (() => ({
        verifiedHeight: 12,
        latestHeight: 12,
        lag: 0,
        peers: 4,
        queue: {},
        alarm: null,
        lastError: null,
      })),
    syncNow: async () => {
      state.syncRounds++;
      await opts.syncNow?.(store);
    },
    ...(opts.evidence !== undefined ? { evidence: opts.evidence(store) } : {}),
  });
  if (!staff.ok) throw new Error(`staff: ${staff.error.kind}`);
  const host = await createHost({
    clock,
    logger,
    devices: { ...fake.devices, printer },
    staff: staff.value,
    ...(opts.defaultLanguage !== undefined ? { defaultLanguage: opts.defaultLanguage } : {}),
    rendererDir: opts.rendererDir ?? join(dir, 'no-renderer'),
  });
  const card = async (e: CardEvent) => {
    fake.emit(e);
    await staff.value.router.idle();
  };
  const kiosk: StaffTestKiosk = {
    host,
    store,
    staff: staff.value,
    clock,
    signer,
    exportDir,
    printed,
    card,
    async insertStaff(m = DEMO_STAFF.poll) {
      await card({ type: 'present' });
      await card({ type: 'read', document: staffDocument(m) });
    },
    async insertVoter() {
      await card({ type: 'present' });
      await card({ type: 'read', document: ALICE });
    },
    removeCard: () => card({ type: 'removed' }),
    async rpc(method, body) {
      const res = await fetch(`${host.origin}/rpc/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
        body: JSON.stringify(body ?? {}),
      });
      return (await res.json()) as never;
    },
    async value(method, body) {
      const r = await kiosk.rpc(method, body);
      if (!r.ok) throw new Error(`${method}: ${r.error.kind} (${r.error.message})`);
      return r.value;
    },
    async errorKind(method, body) {
      const r = await kiosk.rpc(method, body);
      if (r.ok) throw new Error(`${method} succeeded: ${JSON.stringify(r.value)}`);
      return r.error.kind;
    },
    get syncRounds() {
      return state.syncRounds;
    },
    async close() {
      await host.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return kiosk;
}
