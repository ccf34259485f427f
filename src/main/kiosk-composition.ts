// What a real kiosk runs, composed from its state directory: the store, the sealed kiosk key
// and provisioning record, the staff side (card routing, polls, reconciliation, the first-boot
// wizard), and, once provisioned, the light node dialing the bundle's validators and the
// verified chain view. Nothing here is demo-specific: trust comes only from the pinned
// authority keys and the signed bundle. docs/composition.md explains the decisions.
import { join } from 'node:path';
import { devnetTxOf } from '../cli/demo-tx.js';
import type { NetNode } from '../net/node.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import { EVENTS } from '../shared/events.js';
import type { Logger } from '../shared/log.js';
import { assertNever, err, ok, type Result } from '../shared/result.js';
import { openStore, type Store } from '../store/index.js';
import {
  createSyncNode,
  createSyncService,
  syncProvisioningOf,
  type SyncService,
} from '../sync/index.js';
import type { HostDevices } from './host.js';
import type { KeySealer } from './keys/index.js';
import {
  createProvisioningService,
  type Provisioned,
  type ProvisioningService,
} from './provisioning/index.js';
import type { Handlers } from './rpc/dispatch.js';
import type { ChainView } from './rpc/schema.js';
import { createKioskStaff, type KioskStaff } from './staff/kiosk-staff.js';
import type { AuditSink } from './staff/audit.js';
import { createVotingService, type VotingService } from './voting/index.js';
import { createVerifiedChainView, type VerifiedChainView } from './voting/verified-chain-view.js';

export const STORE_FILE = 'kiosk.sqlite';
export const P2P_KEY_FILE = 'p2p.key';
/** The store's kiosk id before a bundle names one: only exports carry it, and a blank kiosk
 * has nothing to export (decommissioning exports only when provisioned). */
export const UNPROVISIONED_KIOSK_ID = 'unprovisioned';
/** How often the verified chain view is refreshed (elections, roll, people, juries). */
export const VIEW_REFRESH_MS = 5_000;

/** How the kiosk key is sealed and whose bundles it trusts; `unavailable` when the host
 * configuration is missing or invalid: the host still starts, its sealer refuses (so the
 * wizard's enrollment says `key-unavailable`) and no bundle verifies. */
export type KioskTrust =
  | {
      readonly kind: 'configured';
      readonly authorityKeys: readonly Uint8Array[];
      readonly sealer: KeySealer;
    }
  | { readonly kind: 'unavailable'; readonly reason: string; readonly sealer: KeySealer };

export interface KioskCompositionOptions {
  readonly stateDir: string;
  readonly devices: HostDevices;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly trust: KioskTrust;
  /** The removable drive's mount point for exports; none: export to folder is refused. */
  readonly exportDir?: string;
  readonly random?: () => number;
}

/** Why a part of the kiosk is not running (shown in logs and the chain view's lastError). */
export type Unavailable =
  | { readonly kind: 'not-provisioned' }
  | { readonly kind: 'provisioning-failed'; readonly reason: string }
  | { readonly kind: 'bundle-unusable'; readonly reason: string }
  | { readonly kind: 'network-failed'; readonly reason: string };

export interface KioskComposition {
  readonly store: Store;
  readonly provisioning: ProvisioningService;
  readonly staff: KioskStaff;
  readonly voting: VotingService | undefined;
  /** The chain as the light node sees it (not-syncing with the reason before provisioning). */
  chainView(): ChainView;
  readonly chain: 'running' | Unavailable;
  readonly votingState: 'running' | Unavailable;
  /** Resolves when provisioning changed (bundle imported, kiosk decommissioned): the
   * chain-facing services are built from the record, so the host restarts (docs/composition.md). */
  readonly restart: Promise<'provisioned' | 'decommissioned'>;
  close(): Promise<void>;
}

export function describeUnavailable(u: Unavailable): string {
  switch (u.kind) {
    case 'not-provisioned':
      return 'not provisioned';
    case 'provisioning-failed':
      return `provisioning record unusable: ${u.reason}`;
    case 'bundle-unusable':
      return `the bundle cannot configure the light node: ${u.reason}`;
    case 'network-failed':
      return `the light node could not start: ${u.reason}`;
    default:
      return assertNever(u, 'unavailable');
  }
}

interface ChainParts {
  readonly node: NetNode;
  readonly sync: SyncService;
  readonly verified: VerifiedChainView;
}

async function startChain(
  o: KioskCompositionOptions,
  p: Provisioned,
  store: Store,
): Promise<Result<ChainParts, Unavailable>> {
  const sp = syncProvisioningOf(p.bundle);
  if (!sp.ok) return err({ kind: 'bundle-unusable', reason: sp.error.kind });
  const node = await createSyncNode({
    keyFile: join(o.stateDir, P2P_KEY_FILE),
    provisioning: sp.value,
  });
  if (!node.ok) return err({ kind: 'network-failed', reason: node.error.kind });
  const sync = createSyncService({
    node: node.value,
    store,
    provisioning: sp.value,
    clock: o.clock,
    random: o.random ?? Math.random,
    logger: o.logger,
    txOf: devnetTxOf,
  });
  sync.start();
  const verified = createVerifiedChainView({
    unit: p.bundle.unit.unitId,
    source: {
      pullState: (q) => sync.pullState(q),
      headerTime: async (h) => {
        const r = await sync.light.headerAt(h);
        return r.ok ? r.value.time : null;
      },
      storedListing: (prefix) => store.synced.storedListing(sp.value.chainId, prefix),
    },
  });
  return ok({ node: node.value, sync, verified });
}

export async function composeKiosk(o: KioskCompositionOptions): Promise<KioskComposition> {
  const log = o.logger.child({ module: 'compose' });
  log.info(EVENTS.composeStart, { trust: o.trust.kind });
  if (o.trust.kind === 'unavailable') {
    log.warn(EVENTS.composeFailed, { part: 'trust', reason: o.trust.reason.slice(0, 200) });
  }

  // Provisioning audits into the store, whose kiosk id comes from the record that
  // provisioning reads: the sink forwards to the store once it is open.
  const storeRef: { store?: Store } = {};
  const audit: AuditSink = {
    append: (event, detail) => {
      if (storeRef.store === undefined) throw new Error('audit before the store is open');
      return storeRef.store.audit.append(event, detail);
    },
  };
  const staffRef: { staff?: KioskStaff } = {};
  const provisioning = createProvisioningService({
    stateDir: o.stateDir,
    sealer: o.trust.sealer,
    authorityKeys: o.trust.kind === 'configured' ? o.trust.authorityKeys : [],
    clock: o.clock,
    audit,
    logger: o.logger,
    authorize: (a) => staffRef.staff?.staff.authorize(a) ?? err({ kind: 'not-signed-in' }),
  });
  const init = await provisioning.init();
  let chainState: 'running' | Unavailable = { kind: 'not-provisioned' };
  if (!init.ok) {
    // A broken record or key leaves the kiosk blank on screen, with the reason in the log.
    chainState = { kind: 'provisioning-failed', reason: init.error.kind };
    log.error(EVENTS.composeFailed, { part: 'provisioning', reason: init.error.kind });
  }
  const p = provisioning.provisioned();

  const opened = openStore({
    path: join(o.stateDir, STORE_FILE),
    kioskId: p?.bundle.unit.kioskId ?? UNPROVISIONED_KIOSK_ID,
    clock: o.clock,
    logger: o.logger,
  });
  if (!opened.ok) {
    // Without its store the kiosk can neither audit nor queue: a bug or a broken disk.
    log.error(EVENTS.composeFailed, { part: 'store', reason: opened.error.kind });
    throw new Error(`the kiosk store could not be opened: ${opened.error.kind}`);
  }
  const store = opened.value;
  storeRef.store = store;

  let chain: ChainParts | null = null;
  if (p !== null) {
    const c = await startChain(o, p, store);
    if (c.ok) {
      chain = c.value;
      chainState = 'running';
    } else {
      chainState = c.error;
      log.error(EVENTS.composeChainUnavailable, { reason: describeUnavailable(c.error) });
    }
  }

  const notSyncing = (): ChainView => ({
    verifiedHeight: null,
    latestHeight: 0,
    lag: 0,
    peers: 0,
    queue: {},
    alarm: null,
    lastError: chainState === 'running' ? null : describeUnavailable(chainState),
  });
  const chainView = (): ChainView => {
    if (chain === null) return notSyncing();
    const s = chain.sync.status();
    return {
      verifiedHeight: s.verifiedHeight,
      latestHeight: s.latestSeenHeight,
      lag: s.lag,
      peers: s.peers.filter((x) => x.connected).length,
      queue: { ...s.queue },
      alarm: s.alarm === null ? null : s.alarm.kind,
      lastError: s.lastError,
    };
  };
  const chainRef = chain;
  // Settled below once the staff service (whose polls decide canVote) exists.
  let votingState: 'running' | Unavailable = chainState;

  const made = await createKioskStaff({
    store,
    identity: { kind: 'provisioned', provisioning },
    devices: o.devices,
    clock: o.clock,
    logger: o.logger,
    stateDir: o.stateDir,
    ...(o.exportDir !== undefined ? { exportDir: o.exportDir } : {}),
    elections: () =>
      chainRef === null
        ? []
        : chainRef.verified.view.elections().map((e) => ({
            electionId: e.ctx.election.electionId,
            title: e.ctx.election.title,
            kind: chainRef.verified.view.subject(e.ctx.election.electionId)?.kind ?? 'general',
          })),
    chainView,
    ...(chainRef !== null
      ? { syncNow: () => chainRef.sync.runOnce(), evidence: chainRef.sync }
      : {}),
    votingStatus: () =>
      votingState === 'running'
        ? { available: true, reason: null }
        : { available: false, reason: describeUnavailable(votingState) },
  });
  if (!made.ok) {
    store.close();
    log.error(EVENTS.composeFailed, { part: 'staff', reason: made.error.code });
    throw new Error(`the staff lockout file could not be opened: ${made.error.code}`);
  }
  const staff = made.value;
  staffRef.staff = staff;

  let restartWith: (why: 'provisioned' | 'decommissioned') => void = () => undefined;
  const restart = new Promise<'provisioned' | 'decommissioned'>((r) => (restartWith = r));
  wrapForRestart(staff.handlers, 'provisioning.importBundle', () => restartWith('provisioned'));
  wrapForRestart(staff.handlers, 'provisioning.decommission', () => restartWith('decommissioned'));
  void restart.then((why) => log.warn(EVENTS.composeRestart, { why }));

  let voting: VotingService | undefined;
  const keys = provisioning.keys();
  if (chainRef !== null && p !== null && keys !== null) {
    // The roll's parameters are signed into the bundle (v2) with the sealed roll secret.
    voting = createVotingService({
      chain: chainRef.verified.view,
      roll: { secret: p.rollSecret, params: { ...p.bundle.roll } },
      kioskId: p.bundle.unit.kioskId,
      signer: keys.signer,
      store,
      printer: o.devices.printer,
      canVote: (electionId) => staff.canVote(electionId),
      clock: o.clock,
      logger: o.logger.child({ module: 'voting' }),
    });
    votingState = 'running';
  }
  if (votingState !== 'running') {
    log.warn(EVENTS.composeVotingUnavailable, { reason: describeUnavailable(votingState) });
  }

  // The view refreshes in the background: the host must be ready (and the wizard or staff
  // screens usable) long before the light node has caught up.
  let refreshTimer: TimerHandle | undefined;
  let stopped = false;
  if (chainRef !== null) {
    // What this kiosk last proved, from its store, before any validator answers: a kiosk
    // restarted offline serves its voters at once (docs/voting.md, "Restored offline").
    // Not while alarmed: an unresolved witness conflict stops every use of state, and the
    // stored listings may have come from the primary that forked.
    const alarmed = chainRef.sync.light.alarm !== null;
    const restored = alarmed
      ? err({ kind: 'alarmed' as const })
      : await chainRef.verified.restore();
    if (restored.ok) {
      log.info(EVENTS.votingViewRestored, {
        height: restored.value.height,
        elections: restored.value.elections,
      });
      voting?.warm();
    } else {
      log.info(EVENTS.votingViewRestored, { error: restored.error.kind });
    }
    const refresh = async () => {
      const r = await chainRef.verified.refresh();
      if (stopped) return;
      if (r.ok) {
        log.info(EVENTS.votingViewRefreshOk, {
          height: r.value.height,
          elections: r.value.elections,
          truncated: r.value.truncated.join(','),
        });
        voting?.warm();
      } else {
        log.warn(EVENTS.votingViewRefreshFailed, { error: JSON.stringify(r.error).slice(0, 200) });
      }
      refreshTimer = o.clock.setTimeout(() => void refresh(), VIEW_REFRESH_MS);
    };
    void refresh();
  }

  log.info(EVENTS.composeOk, {
    provisioning: provisioning.status().state,
    chain: chainState === 'running' ? 'running' : chainState.kind,
    voting: votingState === 'running' ? 'running' : votingState.kind,
    exportFolder: o.exportDir !== undefined,
  });

  return {
    store,
    provisioning,
    staff,
    voting,
    chainView,
    chain: chainState,
    votingState,
    restart,
    async close() {
      stopped = true;
      if (refreshTimer !== undefined) o.clock.clearTimeout(refreshTimer);
      if (chainRef !== null) {
        chainRef.sync.stop();
        await chainRef.node.stop().catch(() => undefined);
      }
      store.close();
    },
  };
}

/** After the wrapped provisioning method succeeds, the composition asks for a restart. */
function wrapForRestart(handlers: Handlers, method: keyof Handlers, then: () => void): void {
  const inner = handlers[method];
  if (inner === undefined) return;
  const wrapped = async (req: never) => {
    const r = await (inner as (req: never) => Promise<{ ok: boolean }> | { ok: boolean })(req);
    if (r.ok) then();
    return r;
  };
  (handlers as Record<string, unknown>)[method] = wrapped;
}
