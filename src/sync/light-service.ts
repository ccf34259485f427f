// The light client as a service: trust from the provisioned checkpoint (or the store), headers
// from a primary validator verified by bisection, the newest one cross-checked with a witness
// before anything acts on it, and every verified block persisted. A witness conflict is the
// one thing it cannot resolve alone: it stops, raises the staff alarm and keeps the evidence.
import { decodeCanonical, encodeCanonical, type Canonical } from '../protocol/encoding.js';
import { toHex } from '../protocol/hash.js';
import { headerHash, type Header, type LightBlock } from '../protocol/header.js';
import type { Store } from '../store/index.js';
import type { Clock } from '../shared/clock.js';
import { EVENTS } from '../shared/events.js';
import type { Logger } from '../shared/log.js';
import { err, ok, type Result } from '../shared/result.js';
import {
  crossCheckWitness,
  trustFromCheckpoint,
  verifyBackwards,
  verifyToHeight,
  type BisectionError,
  type Checkpoint,
  type Evidence,
  type TrustedState,
  type TrustOptions,
  type VerifyError,
  EvidenceSchema,
} from './light/index.js';
import type { FetchError, PeerRpc } from './rpc.js';
import {
  linkedHeader,
  loadTrustedState,
  nearestHeaderAbove,
  saveLightBlock,
  saveLinkedHeader,
  storedHeader,
} from './trust-store.js';

/** Hash-chain-verified headers kept in memory (they have no verified commit to store). */
const MAX_LINKED = 4096;

export interface Alarm {
  readonly kind: 'witness-conflict';
  readonly height: number;
  readonly primaryPeer: string;
  readonly witnessPeer: string;
  /** Null only when a stored body no longer decodes (a damaged database): still alarmed. */
  readonly evidence: Evidence | null;
  /** Canonical CBOR of the evidence (EvidenceSchema), as it would be filed. */
  readonly evidenceBytes: Uint8Array;
  /** Its row in the store's evidence table; null if storing it failed (then memory only). */
  readonly evidenceId: number | null;
  readonly at: number;
}

export type LightError =
  | { kind: 'alarmed' }
  | { kind: 'no-trust' }
  | { kind: 'unavailable'; message: string }
  | { kind: 'rejected'; height: number; peer: string; reason: string }
  | { kind: 'storage'; message: string };

export interface LightClientDeps {
  readonly store: Store;
  readonly chainId: string;
  readonly checkpoint: Checkpoint;
  readonly peers: readonly PeerRpc[];
  readonly clock: Clock;
  readonly options: TrustOptions;
  readonly logger: Logger;
  /** Bisection fetch budget per advance. */
  readonly maxFetches?: number;
}

const headerRejectReason = (e: VerifyError) => {
  switch (e.kind) {
    case 'insufficient-voting-power':
    case 'insufficient-trust':
      return 'insufficient-power' as const;
    case 'trust-expired':
      return 'expired-trust' as const;
    case 'header-from-future':
      return 'future-time' as const;
    case 'duplicate-signer':
      return 'duplicate-signer' as const;
    case 'invalid-signature':
      return 'bad-signature' as const;
    case 'last-block-id-mismatch':
    case 'commit-block-id-mismatch':
    case 'validators-not-trusted':
    case 'validators-hash-mismatch':
      return 'bad-link' as const;
    case 'wrong-chain-id':
    case 'height-not-increasing':
    case 'time-not-increasing':
    case 'commit-height-mismatch':
    case 'checkpoint-mismatch':
      return 'other' as const;
  }
};

export class LightClient {
  private trustedState: TrustedState | undefined;
  private primaryIdx = 0;
  private alarmState: Alarm | null = null;
  /** Headers verified by hash chain below the trusted height (no commit to store). */
  private readonly linked = new Map<number, Header>();
  /** Keys of every validator set seen in a verified block: who may sign receipts. */
  private readonly validatorKeys = new Set<string>();
  latestSeen = 0;
  signaturesVerified = 0;
  lastError: LightError | null = null;

  constructor(private readonly d: LightClientDeps) {
    for (const v of d.checkpoint.validatorSet.validators) this.validatorKeys.add(toHex(v.pubKey));
    this.restoreAlarm();
  }

  /**
   * An unresolved evidence row is an alarm raised before a restart: the kiosk stays stopped
   * rather than cross-checking again (and maybe trusting a fork the witness no longer shows).
   */
  private restoreAlarm(): void {
    const row = this.d.store.evidence.open(this.d.chainId);
    if (row === undefined) return;
    const decoded = decodeCanonical(row.body);
    const parsed = decoded.ok ? EvidenceSchema.safeParse(decoded.value) : undefined;
    this.alarmState = {
      kind: 'witness-conflict',
      height: row.height,
      primaryPeer: row.primaryPeer,
      witnessPeer: row.witnessPeer,
      evidence: parsed?.success === true ? parsed.data : null,
      evidenceBytes: row.body,
      evidenceId: row.id,
      at: row.createdMs,
    };
    this.lastError = { kind: 'alarmed' };
    this.d.logger.error(EVENTS.alarmRestored, {
      height: row.height,
      evidenceId: row.id,
      decodes: parsed?.success === true,
    });
  }

  /**
   * Evidence `id` was resolved by a technician: the alarm it raised goes and the next round
   * cross-checks again from the trusted state, which the conflict never moved. Another open
   * row keeps the node alarmed (it is restored as after a restart).
   */
  evidenceResolved(id: number): void {
    if (this.alarmState === null || this.alarmState.evidenceId !== id) return;
    this.alarmState = null;
    this.lastError = null;
    this.restoreAlarm();
  }

  get trusted(): TrustedState | undefined {
    return this.trustedState;
  }
  get alarm(): Alarm | null {
    return this.alarmState;
  }
  get primary(): PeerRpc {
    return this.peerAt(this.primaryIdx);
  }

  isValidatorKey(pubKey: Uint8Array): boolean {
    return this.validatorKeys.has(toHex(pubKey));
  }

  private peerAt(i: number): PeerRpc {
    const p = this.d.peers[i % this.d.peers.length];
    if (p === undefined) throw new Error('no peers provisioned');
    return p;
  }

  /** A primary that failed us: the next validator takes over. */
  /**
   * A state pull found the primary wrong or unresponsive (a bad proof, a refused or broken
   * answer): the next validator serves from now on, as after a header failure. Without it a
   * single faulty validator would keep the kiosk's state stale for good.
   */
  primaryFailed(peerId: string): void {
    if (this.primary.peerId === peerId && this.d.peers.length > 1) this.demotePrimary();
  }

  private demotePrimary(): void {
    this.primaryIdx = (this.primaryIdx + 1) % this.d.peers.length;
  }

  private fail<T>(e: LightError): Result<T, LightError> {
    this.lastError = e;
    return err(e);
  }

  private learnSets(b: LightBlock): void {
    for (const v of b.validatorSet.validators) this.validatorKeys.add(toHex(v.pubKey));
    for (const v of b.nextValidatorSet.validators) this.validatorKeys.add(toHex(v.pubKey));
  }

  /** From the store if a previous run verified something, else from the checkpoint. */
  async init(): Promise<Result<TrustedState, LightError>> {
    if (this.trustedState !== undefined) return ok(this.trustedState);
    const stored = loadTrustedState(this.d.store, this.d.chainId);
    if (stored !== undefined && stored.header.height >= this.d.checkpoint.height) {
      this.trustedState = stored;
      for (const v of stored.nextValidatorSet.validators) this.validatorKeys.add(toHex(v.pubKey));
      return ok(stored);
    }
    let lastRejection: LightError | undefined;
    for (let i = 0; i < this.d.peers.length; i++) {
      const peer = this.primary;
      const b = await peer.lightBlock(this.d.checkpoint.height);
      if (!b.ok) {
        this.demotePrimary();
        continue;
      }
      const v = trustFromCheckpoint(this.d.checkpoint, b.value, this.d.clock.now(), this.d.options);
      if (!v.ok) {
        this.rejected(b.value.header.height, peer.peerId, v.error);
        const rejection: LightError = {
          kind: 'rejected',
          height: b.value.header.height,
          peer: peer.peerId,
          reason: v.error.kind,
        };
        // An expired checkpoint is no peer's fault: asking the others cannot help.
        if (v.error.kind === 'trust-expired') return this.fail(rejection);
        lastRejection = rejection;
        this.demotePrimary();
        continue;
      }
      const saved = saveLightBlock(this.d.store, b.value);
      if (!saved.ok) return this.fail({ kind: 'storage', message: saved.error.kind });
      this.learnSets(b.value);
      this.trustedState = v.value.trusted;
      return ok(v.value.trusted);
    }
    return this.fail(
      lastRejection ?? { kind: 'unavailable', message: 'no validator served the checkpoint block' },
    );
  }

  private rejected(height: number, peer: string, e: VerifyError): void {
    // Expired trust is not the peer's fault and no peer can fix it: staff must re-provision
    // a fresh checkpoint (docs/sync.md).
    if (e.kind === 'trust-expired') this.d.logger.error(EVENTS.trustExpired, { height });
    this.d.logger.warn(EVENTS.headerRejected, { height, peer, reason: e.kind });
    this.d.store.audit.append(EVENTS.headerRejected, { height, reason: headerRejectReason(e) });
    this.lastError = { kind: 'rejected', height, peer, reason: e.kind };
  }

  /** Verifies up to the primary's latest height (bisection + witness). */
  async advanceToLatest(): Promise<Result<TrustedState, LightError>> {
    if (this.alarmState !== null) {
      this.storeUnsavedEvidence();
      return err({ kind: 'alarmed' });
    }
    const init = await this.init();
    if (!init.ok) return init;
    for (let i = 0; i < this.d.peers.length; i++) {
      const latest = await this.primary.latestHeight();
      if (latest.ok) {
        this.latestSeen = Math.max(this.latestSeen, latest.value);
        if (latest.value <= init.value.header.height) return ok(init.value);
        return this.advanceTo(latest.value);
      }
      this.demotePrimary();
    }
    return this.fail({ kind: 'unavailable', message: 'no validator answered headers' });
  }

  /**
   * Moves trust forward to `height`: bisection from the primary, then the witness must agree
   * on the new header before it is stored or used.
   */
  async advanceTo(height: number): Promise<Result<TrustedState, LightError>> {
    if (this.alarmState !== null) return err({ kind: 'alarmed' });
    const init = await this.init();
    if (!init.ok) return init;
    const before = init.value;
    if (height <= before.header.height) return ok(before);
    const primary = this.primary;
    const fetch = (h: number) => primary.lightBlock(h);
    const r = await verifyToHeight<FetchError>({
      trusted: before,
      targetHeight: height,
      fetch,
      clock: this.d.clock,
      options: this.d.options,
      ...(this.d.maxFetches === undefined ? {} : { maxFetches: this.d.maxFetches }),
    });
    if (!r.ok) {
      this.bisectionFailed(primary.peerId, r.error);
      this.demotePrimary();
      return err(this.lastError ?? { kind: 'unavailable', message: r.error.kind });
    }
    this.signaturesVerified += r.value.signaturesVerified;
    const newest = r.value.trace[r.value.trace.length - 1];
    if (newest === undefined) throw new Error('bisection returned an empty trace');
    const witnessed = await this.crossCheck(before, newest);
    if (!witnessed.ok) return witnessed;
    for (const b of r.value.trace) {
      const saved = saveLightBlock(this.d.store, b);
      if (!saved.ok) return this.fail({ kind: 'storage', message: saved.error.kind });
      this.learnSets(b);
    }
    this.trustedState = r.value.trusted;
    this.latestSeen = Math.max(this.latestSeen, height);
    this.d.logger.info(EVENTS.headerVerified, { height, fetches: r.value.fetches });
    return ok(r.value.trusted);
  }

  private bisectionFailed(peer: string, e: BisectionError<FetchError>): void {
    switch (e.kind) {
      case 'verification-failed':
        this.rejected(e.height, peer, e.error);
        return;
      case 'fetch-failed':
        this.lastError = { kind: 'unavailable', message: `${peer}: ${e.error.kind}` };
        return;
      case 'wrong-height':
      case 'target-below-trusted':
      case 'too-many-fetches':
        this.lastError = { kind: 'unavailable', message: `${peer}: ${e.kind}` };
        return;
    }
  }

  /** Tries each other validator as witness until one answers; conflict raises the alarm. */
  private async crossCheck(
    before: TrustedState,
    newest: LightBlock,
  ): Promise<Result<void, LightError>> {
    const n = this.d.peers.length;
    for (let i = 1; i < n; i++) {
      const witness = this.peerAt(this.primaryIdx + i);
      const r = await crossCheckWitness<FetchError>({
        trustedBefore: before,
        primary: newest,
        fetchWitness: (h) => witness.lightBlock(h),
        clock: this.d.clock,
        options: this.d.options,
      });
      if (r.ok) return ok(undefined);
      switch (r.error.kind) {
        case 'conflict':
          this.raiseAlarm(r.error.evidence, this.primary.peerId, witness.peerId);
          return err({ kind: 'alarmed' });
        case 'witness-invalid':
          // The witness cannot back its header: it is the one misbehaving; try another.
          this.d.logger.warn(EVENTS.witnessInvalid, { peer: witness.peerId });
          continue;
        case 'witness-unavailable':
        case 'witness-wrong-height':
          continue;
      }
    }
    return this.fail({ kind: 'unavailable', message: 'no witness could cross-check' });
  }

  /**
   * An alarm whose evidence could not be stored (a full disk) lives in memory only: a restart
   * would forget it and nobody could export or resolve it. Each later round tries again; once
   * stored, the row is the alarm, as if it had been stored at once.
   */
  private storeUnsavedEvidence(): void {
    const a = this.alarmState;
    if (a === null || a.evidenceId !== null || a.evidence === null) return;
    const stored = this.d.store.evidence.record({
      chainId: this.d.chainId,
      height: a.height,
      commonHeight: a.evidence.commonHeight,
      primaryPeer: a.primaryPeer,
      witnessPeer: a.witnessPeer,
      body: a.evidenceBytes,
    });
    if (!stored.ok) return;
    this.alarmState = { ...a, evidenceId: stored.value };
    this.d.logger.error(EVENTS.evidenceStoredLate, { height: a.height, evidenceId: stored.value });
  }

  private raiseAlarm(evidence: Evidence, primaryPeer: string, witnessPeer: string): void {
    const evidenceBytes = encodeCanonical(evidence as unknown as Canonical);
    // Stored before anything else so the alarm survives a restart; a storage failure still
    // alarms (in memory), and says so.
    const stored = this.d.store.evidence.record({
      chainId: this.d.chainId,
      height: evidence.height,
      commonHeight: evidence.commonHeight,
      primaryPeer,
      witnessPeer,
      body: evidenceBytes,
    });
    if (!stored.ok) {
      this.d.logger.error(EVENTS.evidenceStoreFailed, {
        height: evidence.height,
        error: stored.error.kind,
      });
    }
    this.alarmState = {
      kind: 'witness-conflict',
      height: evidence.height,
      primaryPeer,
      witnessPeer,
      evidence,
      evidenceBytes,
      evidenceId: stored.ok ? stored.value : null,
      at: this.d.clock.now(),
    };
    const primary = toHex(headerHash(evidence.primary.header));
    const witness = toHex(headerHash(evidence.witness.header));
    this.d.logger.error(EVENTS.witnessConflict, {
      height: evidence.height,
      primary,
      witness,
      primaryPeer,
      witnessPeer,
    });
    this.d.store.audit.append(EVENTS.witnessConflict, {
      height: evidence.height,
      primary,
      witness,
    });
  }

  /**
   * A header the light client verified at `height`: stored, reached by advancing, or (below
   * the trusted height) linked by hash chain from a verified header above it.
   */
  async headerAt(height: number): Promise<Result<Header, LightError>> {
    if (this.alarmState !== null) return err({ kind: 'alarmed' });
    const stored = storedHeader(this.d.store, this.d.chainId, height);
    if (stored !== undefined) return ok(stored);
    const linked = this.linked.get(height);
    if (linked !== undefined) {
      // Asked for by height (a record's), so kept on disk too; see below.
      saveLinkedHeader(this.d.store, linked);
      return ok(linked);
    }
    const kept = linkedHeader(this.d.store, this.d.chainId, height);
    if (kept !== undefined) return ok(kept);
    const init = await this.init();
    if (!init.ok) return init;
    if (height > init.value.header.height) {
      const r = await this.advanceTo(height);
      return r.ok ? ok(r.value.header) : r;
    }
    const primary = this.primary;
    const fetched = new Map<number, Header>();
    // Start from the lowest verified header above the target, so proofs for several
    // heights of one backlog walk each link once, and a restarted kiosk starts from what it
    // kept (a record's height asked before) rather than from its head.
    let from = init.value.header;
    const nearest = nearestHeaderAbove(this.d.store, this.d.chainId, height);
    if (nearest !== undefined && nearest.height < from.height) from = nearest;
    for (const [h, hdr] of this.linked) if (h > height && h < from.height) from = hdr;
    const r = await verifyBackwards<FetchError>({
      trusted: from,
      targetHeight: height,
      fetchHeader: async (h) => {
        // The walk starts at the nearest kept header, so these hit only what a concurrent
        // walk kept meanwhile.
        const hit = storedHeader(this.d.store, this.d.chainId, h) ?? this.linked.get(h);
        if (hit !== undefined) return ok(hit);
        const b = await primary.lightBlock(h);
        if (b.ok) fetched.set(h, b.value.header);
        return b.ok ? ok(b.value.header) : b;
      },
    });
    if (!r.ok) {
      this.demotePrimary();
      return this.fail({ kind: 'unavailable', message: `backwards: ${r.error.kind}` });
    }
    // The walk reached the target, so every header on it is linked to a verified one.
    if (this.linked.size + fetched.size > MAX_LINKED) this.linked.clear();
    for (const [h, hdr] of fetched) this.linked.set(h, hdr);
    this.linked.set(height, r.value);
    // The height asked for is kept on disk too: a record's height (an official's seating) is
    // asked again after a restart, possibly with no validator reachable.
    saveLinkedHeader(this.d.store, r.value);
    return ok(r.value);
  }
}
