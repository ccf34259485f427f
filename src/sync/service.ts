// The kiosk's sync service: one round = verify the chain up to the primary's head (witness
// cross-checked), then deliver the outbox. Rounds run on the injected clock's timer while
// started, or one at a time (runOnce) from tests and the CLI. status() is what staff screens
// and the CLI show.
import type { NetNode } from '../net/node.js';
import { OUTBOX_STATES, type OutboxState, type PendingBallot, type Store } from '../store/index.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import { EVENTS } from '../shared/events.js';
import { silentLogger, type Logger } from '../shared/log.js';
import { DEFAULT_BACKOFF, RetrySchedule, type BackoffOptions } from './backoff.js';
import { Delivery, type DeliveryStats } from './delivery.js';
import { DEFAULT_TRUST_OPTIONS, type TrustOptions } from './light/index.js';
import { LightClient, type Alarm, type LightError } from './light-service.js';
import type { SyncProvisioning } from './provisioning.js';
import { peerRpc, type PeerRpc, type RpcCounters } from './rpc.js';
import { pullState, type PulledState, type StatePullError, type StateQuery } from './state-pull.js';
import { err, ok, type Result } from '../shared/result.js';
import type { ExportSigner } from '../store/index.js';
import {
  describeEvidenceError,
  exportEvidence,
  listEvidence,
  resolveEvidence,
  type EvidenceActionError,
  type EvidenceActor,
  type EvidenceExportDocument,
  type EvidenceView,
} from './evidence.js';

export interface SyncServiceOptions {
  readonly node: NetNode;
  readonly store: Store;
  readonly provisioning: SyncProvisioning;
  /** Trust decisions (trusting period, drift) and retry timing use this clock. */
  readonly clock: Clock;
  /** [0, 1): the jitter of retries. */
  readonly random: () => number;
  readonly logger?: Logger;
  readonly trust?: TrustOptions;
  readonly backoff?: BackoffOptions;
  readonly intervalMs?: number;
  readonly concurrencyPerPeer?: number;
  readonly maxPerRound?: number;
  /** Batch submissions and proof queries where validators serve them (default true). */
  readonly batch?: boolean;
  /** Submission bytes of an outbox row; default: the stored envelope is the encoded tx. */
  readonly txOf?: (b: PendingBallot) => Uint8Array;
}

export interface PeerStatus {
  readonly peerId: string;
  readonly connected: boolean;
  readonly role: 'primary' | 'witness';
}

export interface SyncStatus {
  readonly peers: readonly PeerStatus[];
  readonly verifiedHeight: number | null;
  readonly latestSeenHeight: number;
  /** Blocks the network is ahead of what we verified. */
  readonly lag: number;
  readonly queue: Readonly<Record<OutboxState, number>>;
  readonly lastError: string | null;
  readonly alarm: Omit<Alarm, 'evidence'> | null;
  readonly counters: Readonly<RpcCounters> & { readonly signaturesVerified: number };
  readonly delivery: Readonly<DeliveryStats>;
  readonly rounds: number;
}

export interface SyncService {
  runOnce(): Promise<void>;
  pullState(q: StateQuery): Promise<Result<PulledState, StatePullError>>;
  status(): SyncStatus;
  readonly light: LightClient;
  /** Stored evidence of this chain, newest first, with both signed headers (docs/sync.md). */
  evidence(): EvidenceView[];
  /** The signed evidence file for the authority, handed to `deliver` (technician; audited). */
  exportEvidence(
    id: number,
    actor: EvidenceActor,
    o: {
      readonly signer: ExportSigner;
      readonly kioskId: string;
      readonly deliver: (
        text: string,
        doc: EvidenceExportDocument,
      ) => Promise<Result<string, string>>;
    },
  ): Promise<Result<{ file: string; document: EvidenceExportDocument }, EvidenceActionError>>;
  /**
   * Marks exported evidence resolved (technician; audited) and clears its alarm; the next
   * round cross-checks again from the unchanged trusted state. It never moves trust.
   */
  resolveEvidence(id: number, actor: EvidenceActor): Result<EvidenceView, EvidenceActionError>;
  start(): void;
  stop(): void;
}

export function describeLightError(e: LightError): string {
  switch (e.kind) {
    case 'alarmed':
    case 'no-trust':
      return e.kind;
    case 'unavailable':
      return `unavailable: ${e.message}`;
    case 'rejected':
      return `header ${e.height} from ${e.peer} rejected: ${e.reason}`;
    case 'storage':
      return `storage: ${e.message}`;
  }
}

export function createSyncService(o: SyncServiceOptions): SyncService {
  const logger = (o.logger ?? silentLogger).child({ module: 'sync' });
  const counters: RpcCounters = {
    headerFetches: 0,
    submits: 0,
    proofs: 0,
    submitBatches: 0,
    proofBatches: 0,
  };
  const peers: PeerRpc[] = o.provisioning.validators.map((v) =>
    peerRpc(o.node, v.peerId, counters),
  );
  const chainId = o.provisioning.chainId;
  const light = new LightClient({
    store: o.store,
    chainId,
    checkpoint: o.provisioning.checkpoint,
    peers,
    clock: o.clock,
    options: o.trust ?? DEFAULT_TRUST_OPTIONS,
    logger,
  });
  const backoff = o.backoff ?? DEFAULT_BACKOFF;
  const delivery = new Delivery({
    store: o.store,
    light,
    peers,
    clock: o.clock,
    chainId,
    submitRetry: new RetrySchedule(o.random, backoff),
    proofRetry: new RetrySchedule(o.random, backoff),
    txOf: o.txOf ?? ((b) => b.envelope),
    concurrencyPerPeer: o.concurrencyPerPeer ?? 4,
    maxPerRound: o.maxPerRound ?? 2000,
    batch: o.batch ?? true,
  });
  let rounds = 0;
  let lastError: string | null = null;
  let timer: TimerHandle | undefined;
  let running = false;
  let inRound: Promise<void> | undefined;

  async function round(): Promise<void> {
    rounds++;
    const before = { ...delivery.stats };
    const head = await light.advanceToLatest();
    if (!head.ok) {
      lastError = describeLightError(head.error);
      logger.warn(EVENTS.syncFailed, { reason: lastError });
      if (head.error.kind === 'alarmed') return;
    }
    // Delivery goes on even when the head could not be advanced: proofs at heights already
    // verified can still finalize, and submission needs no header.
    await delivery.round();
    if (delivery.stats.lastError !== before.lastError) lastError = delivery.stats.lastError;
    const s = delivery.stats;
    const delta = {
      submitted: s.submitted - before.submitted,
      receipted: s.receipted - before.receipted,
      finalized: s.finalized - before.finalized,
      rejected: s.rejected - before.rejected,
    };
    if (delta.submitted + delta.finalized + delta.rejected > 0) {
      const height = light.trusted?.header.height ?? 0;
      logger.info(EVENTS.syncOk, { height, ...delta });
      o.store.audit.append(EVENTS.syncOk, { height, ...delta });
    }
  }

  const runOnce = (): Promise<void> => {
    // One round at a time: a timer tick during a long round joins it.
    inRound ??= round().finally(() => {
      inRound = undefined;
    });
    return inRound;
  };

  const schedule = () => {
    if (!running) return;
    timer = o.clock.setTimeout(() => {
      void runOnce().finally(schedule);
    }, o.intervalMs ?? 2000);
  };

  function queue(): Record<OutboxState, number> {
    const q = Object.fromEntries(OUTBOX_STATES.map((s) => [s, 0])) as Record<OutboxState, number>;
    for (const e of o.store.reconciliation.elections()) {
      const c = o.store.reconciliation.counts(e);
      for (const s of OUTBOX_STATES) q[s] += c.cast.byState[s] + c.challenged.byState[s];
    }
    return q;
  }

  function resolve(id: number, actor: EvidenceActor): Result<EvidenceView, EvidenceActionError> {
    logger.info(EVENTS.evidenceResolved, {
      evidenceId: id,
      staffId: actor.staffId,
      phase: 'start',
    });
    const r = resolveEvidence(o.store, { chainId, id, actor });
    if (!r.ok) {
      logger.warn(EVENTS.evidenceResolveRefused, {
        evidenceId: id,
        staffId: actor.staffId,
        reason: describeEvidenceError(r.error),
      });
      return r;
    }
    light.evidenceResolved(id);
    if (light.alarm === null) lastError = null;
    logger.info(EVENTS.evidenceResolved, {
      evidenceId: id,
      staffId: actor.staffId,
      height: r.value.height,
      stillAlarmed: light.alarm !== null,
    });
    const view = listEvidence(o.store, chainId).find((v) => v.id === id);
    if (view === undefined) throw new Error(`resolved evidence ${id} is not listed`);
    return ok(view);
  }

  return {
    light,
    runOnce,
    evidence: () => listEvidence(o.store, chainId),
    async exportEvidence(id, actor, x) {
      logger.info(EVENTS.evidenceExported, {
        evidenceId: id,
        staffId: actor.staffId,
        phase: 'start',
      });
      const r = await exportEvidence(o.store, {
        chainId,
        kioskId: x.kioskId,
        id,
        actor,
        signer: x.signer,
        now: o.clock.now(),
        deliver: x.deliver,
      });
      if (r.ok) logger.info(EVENTS.evidenceExported, { evidenceId: id, staffId: actor.staffId });
      else logger.warn(EVENTS.evidenceExported, { evidenceId: id, refused: r.error.kind });
      return r;
    },
    resolveEvidence: resolve,
    async pullState(q) {
      const wait = (ms: number) => new Promise<void>((r) => o.clock.setTimeout(r, ms));
      // A primary that answers state wrongly, or not at all, is passed over, and the pull is
      // asked of the next validator once (each answer is checked the same way).
      let r: Result<PulledState, StatePullError> = err({ kind: 'peer', message: 'not asked' });
      for (let attempt = 0; attempt < Math.min(2, peers.length); attempt++) {
        const peer = light.primary;
        r = await pullState(light, peer, o.store, chainId, q, wait);
        if (r.ok) return r;
        const e = r.error;
        if (e.kind !== 'peer' && e.kind !== 'bad-proof' && e.kind !== 'wrong-height') return r;
        logger.warn(EVENTS.statePullFailed, { peer: peer.peerId, kind: e.kind });
        light.primaryFailed(peer.peerId);
      }
      return r;
    },
    start() {
      if (running) return;
      running = true;
      logger.info(EVENTS.syncStart, { peers: peers.length });
      void runOnce().finally(schedule);
    },
    stop() {
      running = false;
      if (timer !== undefined) o.clock.clearTimeout(timer);
    },
    status() {
      const connected = new Set(o.node.libp2p.getConnections().map((c) => c.remotePeer.toString()));
      const primary = light.primary.peerId;
      const verified = light.trusted?.header.height ?? null;
      const alarm = light.alarm;
      return {
        peers: peers.map((p) => ({
          peerId: p.peerId,
          connected: connected.has(p.peerId),
          role: p.peerId === primary ? 'primary' : 'witness',
        })),
        verifiedHeight: verified,
        latestSeenHeight: light.latestSeen,
        lag: Math.max(0, light.latestSeen - (verified ?? 0)),
        queue: queue(),
        lastError,
        alarm: alarm === null ? null : (({ evidence: _e, ...rest }) => rest)(alarm),
        counters: { ...counters, signaturesVerified: light.signaturesVerified },
        delivery: { ...delivery.stats },
        rounds,
      };
    },
  };
}
