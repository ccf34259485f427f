// One devnet validator: a lock-step, single-vote-per-round consensus (it is a test network,
// not production BFT; docs/devnet.md says what it does and does not guarantee).
//
// Height h, round r: the proposer is the (h + r)-th validator of the set for h, in canonical
// order. It proposes a header over its mempool; every validator checks the header against
// its own execution (lastBlockId, dataHash, both validator-set hashes, appHash, time) and
// signs voteSignBytes for it. Whoever holds the proposal and > 2/3 of the power's votes for
// it in one round commits: the signatures become the block's commit (the proposal carries
// the proposer's own). A round that does not commit within roundTimeoutMs moves to the next
// round's proposer. A validator votes for one block per height only (its lock); a locked
// proposer re-proposes that block, so two different blocks can never both gather > 2/3
// while every validator follows the rules.
//
// appHash convention (CometBFT): header h carries the root of the state after block h - 1;
// block h's transactions are executed once it is committed.
import { equalBytes } from '../../protocol/bytes.js';
import { type Ed25519Signer, verifyEd25519 } from '../../protocol/ed25519.js';
import {
  GENESIS_LAST_BLOCK_ID,
  headerHash,
  voteSignBytes,
  type Commit,
  type Header,
  type LightBlock,
} from '../../protocol/header.js';
import { TAG, taggedHash, toHex } from '../../protocol/hash.js';
import { merkleRoot, type InclusionProof } from '../../protocol/merkle.js';
import {
  totalVotingPower,
  validatorSetHash,
  type ValidatorSet,
} from '../../protocol/validators.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { EVENTS } from '../../shared/events.js';
import { silentLogger, type Logger } from '../../shared/log.js';
import { err, ok, type Result } from '../../shared/result.js';
import {
  applyTx,
  beginBlock,
  decodeTx,
  genesisState,
  key,
  type AppDeps,
  type AppState,
  type BlockCtx,
  type Diff,
  type Rejection,
} from '../app/index.js';
import type { FaultSwitches } from '../faults.js';
import { noFaults } from '../faults.js';
import { CheckCache, CHECK_CACHE_SIZE, type CheckCacheStats } from './check-cache.js';
import { decodeValidatorUpdate, executeBlock, validatorUpdateAuthorized } from './execute.js';
import { Mempool } from './mempool.js';
import { ValidatorSchedule } from './sets.js';
import type { BallotStatus, ChainStore } from './store.js';
import {
  MAX_BLOCK_TXS,
  MAX_TX_BYTES,
  type Block,
  type ConsensusMsg,
  type Genesis,
  type Proposal,
  type Vote,
} from './types.js';

/** How a validator reaches the others. In-process (hub.ts) or libp2p (p2p.ts). */
export interface Transport {
  broadcast(msg: ConsensusMsg): void;
  /** Committed blocks from `from` on (at most `max`), from whichever peer has them. */
  fetchBlocks(from: number, max: number): Promise<Block[]>;
}

export interface ValidatorOptions {
  genesis: Genesis;
  signer: Ed25519Signer;
  store: ChainStore;
  clock: Clock;
  deps: AppDeps;
  transport: Transport;
  /** Pause between a commit and the next proposal. */
  blockMs: number;
  /** How long a round may take before the next proposer tries. Default 4 x blockMs + 500. */
  roundTimeoutMs?: number;
  /** How far ahead of our clock a proposed header's time may be. */
  maxClockDriftMs?: number;
  faults?: FaultSwitches;
  logger?: Logger;
  /** Mempool cap (default 10 000); beyond it submissions are refused as `mempool-full`. */
  maxMempool?: number;
  /** Transactions per proposed block (default and maximum MAX_BLOCK_TXS). */
  maxBlockTxs?: number;
  /**
   * Entries of the stateless-check cache (check-cache.ts; default CHECK_CACHE_SIZE), or
   * false to check every signature and proof at CheckTx and again at execution.
   */
  checkCache?: number | false;
}

/** What a submission amounts to: in the mempool, already committed, or refused. */
export type SubmitOutcome =
  { kind: 'pending' } | { kind: 'included'; height: number; index: number };

export type SubmitError =
  | { kind: 'too-large'; bytes: number }
  /** Transient: the mempool is at its cap until blocks drain it. */
  | { kind: 'mempool-full'; limit: number }
  | { kind: 'rejected'; rejection: Rejection }
  | { kind: 'bad-validator-update' };

/**
 * Committed states kept for state queries at a recent height. A kiosk asks at the height it
 * has just verified, seconds behind the head, so 64 blocks is ample; each kept state pins the
 * trie paths its block replaced (~3 800 interior nodes for a 190-ballot block at 100 000
 * ballots), and 256 of them were a third of the validators' heap in the sync bench.
 */
const STATE_HISTORY = 64;
const RECENT_BLOCK_IDS = 256;
const MAX_MEMPOOL = 10_000;
/** Future-height messages kept while we catch up. */
const MAX_BUFFERED = 256;
const SYNC_BATCH = 64;

export const txId = (tx: Uint8Array): string => toHex(taggedHash(TAG.devnetTxId, tx));

export class Validator {
  readonly publicKey: Uint8Array;
  readonly faults: FaultSwitches;
  private readonly o: ValidatorOptions;
  private readonly log: Logger;
  private readonly schedule: ValidatorSchedule;
  private readonly roundTimeoutMs: number;
  private readonly maxDriftMs: number;

  /** The height being decided (committed height + 1). */
  private height = 1;
  private round = 0;
  private state: AppState;
  private lastHeader: Header | null = null;
  private recentBlockIds: Uint8Array[] = [];
  /** state whose root header h carries, by h. */
  private readonly states = new Map<number, AppState>();

  private proposals = new Map<number, Proposal>();
  private votes = new Map<number, Map<string, Vote>>();
  private lock: Proposal | null = null;
  private votedRounds = new Set<number>();
  private buffered: ConsensusMsg[] = [];

  private readonly mempool: Mempool;
  private readonly checks: CheckCache | null;
  private rootOf: { state: AppState; root: Uint8Array } | null = null;

  private proposeTimer: TimerHandle | null = null;
  private roundTimer: TimerHandle | null = null;
  private syncing: Promise<void> | null = null;
  private running = false;
  private readonly commitListeners = new Set<(b: Block) => void>();

  constructor(opts: ValidatorOptions) {
    this.o = opts;
    this.publicKey = opts.signer.publicKey;
    this.faults = opts.faults ?? noFaults();
    this.log = (opts.logger ?? silentLogger).child({
      validator: toHex(this.publicKey).slice(0, 8),
    });
    this.schedule = new ValidatorSchedule(opts.genesis.validatorSet);
    this.roundTimeoutMs = opts.roundTimeoutMs ?? 4 * opts.blockMs + 500;
    this.maxDriftMs = opts.maxClockDriftMs ?? 10_000;
    this.state = genesisState(opts.genesis.authority);
    this.states.set(1, this.state);
    this.mempool = new Mempool(this.state);
    this.checks =
      opts.checkCache === false ? null : new CheckCache(opts.checkCache ?? CHECK_CACHE_SIZE);
    this.replay();
  }

  // ---- queries -------------------------------------------------------------------------

  get committedHeight(): number {
    return this.height - 1;
  }

  get chainId(): string {
    return this.o.genesis.chainId;
  }

  validatorSetAt(height: number): ValidatorSet {
    return this.schedule.at(height);
  }

  /** The state whose root header `height` carries (after block height - 1), if kept. */
  stateAt(height: number): AppState | undefined {
    return this.states.get(height);
  }

  // A stopped (crashed) validator's store may already be closed while a peer's catch-up still
  // holds a reference to it: it serves nothing, like a process that is gone.
  block(height: number): Block | undefined {
    if (!this.running) return undefined;
    return this.o.store.block(height);
  }

  lightBlock(height: number): LightBlock | undefined {
    if (!this.running) return undefined;
    const b = this.o.store.block(height);
    if (b === undefined) return undefined;
    return {
      header: b.header,
      commit: b.commit,
      validatorSet: this.schedule.at(height),
      nextValidatorSet: this.schedule.at(height + 1),
    };
  }

  /** Transaction `index` of block `height` and its proof against the block's dataHash. */
  txProof(height: number, index: number): { tx: Uint8Array; proof: InclusionProof } | undefined {
    return this.o.store.txProof(height, index);
  }

  ballotStatus(ballotIdHex: string): BallotStatus | undefined {
    return this.o.store.ballotStatus(ballotIdHex);
  }

  /** Hits and misses of the stateless-check cache (null when it is off). */
  checkCacheStats(): CheckCacheStats | null {
    return this.checks?.stats() ?? null;
  }

  onCommit(fn: (b: Block) => void): () => void {
    this.commitListeners.add(fn);
    return () => this.commitListeners.delete(fn);
  }

  // ---- lifecycle -----------------------------------------------------------------------

  start(): void {
    if (this.running) return;
    this.running = true;
    this.enterRound(0);
    void this.sync();
  }

  stop(): void {
    this.running = false;
    this.clearTimers();
  }

  private clearTimers(): void {
    if (this.proposeTimer !== null) this.o.clock.clearTimeout(this.proposeTimer);
    if (this.roundTimer !== null) this.o.clock.clearTimeout(this.roundTimer);
    this.proposeTimer = null;
    this.roundTimer = null;
  }

  private now(): number {
    return this.o.clock.now() + this.faults.clockSkewMs;
  }

  /** Re-executes the stored chain (blocks were verified when they were stored). */
  private replay(): void {
    const top = this.o.store.height();
    for (let h = 1; h <= top; h++) {
      const b = this.o.store.block(h);
      if (b === undefined) throw new Error(`store has a gap at height ${h}`);
      this.apply(b, false);
    }
  }

  /**
   * The committed state's appHash, computed once per state: proposing, checking a proposal
   * and checking a synced block all need it, and it costs a hash over the whole state.
   */
  private stateRoot(): Uint8Array {
    if (this.rootOf?.state !== this.state) {
      this.rootOf = { state: this.state, root: this.state.appHash() };
    }
    return this.rootOf.root;
  }

  // ---- mempool -------------------------------------------------------------------------

  private nextCtx(): BlockCtx {
    return {
      height: this.height,
      time: Math.max(this.now(), (this.lastHeader?.time ?? 0) + 1),
      recentBlockIds: this.recentBlockIds,
    };
  }

  /**
   * CheckTx: admits a transaction to the mempool if it would apply on top of the committed
   * state and the mempool ahead of it. Idempotent: the same bytes again are 'pending', a
   * ballot already in a block is 'included'.
   */
  submit(tx: Uint8Array, gossip = true): Result<SubmitOutcome, SubmitError> {
    if (tx.length > MAX_TX_BYTES) return err({ kind: 'too-large', bytes: tx.length });
    const id = txId(tx);
    if (this.mempool.has(id)) return ok({ kind: 'pending' });
    const update = decodeValidatorUpdate(tx);
    if (update !== null) {
      if (!validatorUpdateAuthorized(this.state, update)) {
        return err({ kind: 'bad-validator-update' });
      }
      this.admit(id, tx, null, new Map(), gossip);
      return ok({ kind: 'pending' });
    }
    const decoded = decodeTx(tx);
    if (!decoded.ok) return err({ kind: 'rejected', rejection: decoded.error });
    const body = decoded.value.body;
    const ballotHex = body.kind === 'ballot' ? toHex(body.ballotId) : null;
    if (ballotHex !== null) {
      const s = this.o.store.ballotStatus(ballotHex);
      if (s?.kind === 'included') return ok({ kind: 'included', height: s.height, index: s.index });
    }
    const cap = this.o.maxMempool ?? MAX_MEMPOOL;
    if (this.mempool.size >= cap) {
      return err({ kind: 'mempool-full', limit: cap });
    }
    const r = applyTx(
      this.mempool,
      decoded.value,
      this.nextCtx(),
      this.o.deps,
      this.checks === null ? undefined : { memo: this.checks, txKey: id },
    );
    if (!r.ok) {
      // Only a direct submission's refusal is recorded: a relayed copy may just have arrived
      // before a transaction it depends on, and is still pending at the validator that relayed it.
      if (ballotHex !== null && gossip) {
        this.o.store.recordStatus(ballotHex, {
          kind: 'rejected',
          height: null,
          reason: r.error.kind,
          detail: JSON.stringify(r.error),
        });
      }
      this.log.info(EVENTS.txRejected, { reason: r.error.kind, at: 'mempool' });
      return err({ kind: 'rejected', rejection: r.error });
    }
    this.admit(id, tx, ballotHex, r.value.diff, gossip);
    return ok({ kind: 'pending' });
  }

  /** Whether a ballot waits in this validator's mempool. */
  hasPendingBallot(ballotIdHex: string): boolean {
    return this.mempool.hasBallot(ballotIdHex);
  }

  /** Transactions waiting in the mempool. */
  get mempoolSize(): number {
    return this.mempool.size;
  }

  private admit(
    id: string,
    tx: Uint8Array,
    ballotHex: string | null,
    diff: Diff,
    gossip: boolean,
  ): void {
    this.mempool.add(id, tx, ballotHex, diff);
    if (gossip) this.o.transport.broadcast({ kind: 'tx', tx });
  }

  /**
   * After a commit: drop what the block included and re-check only what it could have
   * invalidated. A block of ballots (the backlog case) changes the time-independent validity
   * of another ballot only through the ballot's own nullifier or ballot id, so those two keys
   * are looked up in the mempool's write index: O(block). Anything else (authority or kiosk
   * transactions, validator updates, time-driven rules that fired in beginBlock) may change
   * what any pending transaction depends on, so the whole mempool is re-checked, as
   * CometBFT's recheck does. A ballot whose window closed meanwhile is refused when a block
   * executes it, like any transaction a proposer includes.
   */
  private afterCommit(block: Block, ids: readonly string[], before: AppState, ctx: BlockCtx): void {
    const ballots: { id: string; nullifierKey: string; ballotKey: string }[] = [];
    let onlyBallots = beginBlock(before, ctx, this.o.deps).diff.size === 0;
    for (const [i, tx] of block.txs.entries()) {
      if (!onlyBallots) break;
      const id = ids[i] as string;
      if (this.mempool.isBallotTx(id)) {
        ballots.push({ id, nullifierKey: '', ballotKey: '' });
        continue;
      }
      const d = decodeTx(tx);
      if (!d.ok || d.value.body.kind !== 'ballot') {
        onlyBallots = false;
        break;
      }
      const b = d.value.body;
      ballots.push({
        id,
        nullifierKey: key.nullifier(b.electionId, b.nullifier),
        ballotKey: key.ballot(b.electionId, b.ballotId),
      });
    }
    if (!onlyBallots) {
      const included = new Set(ids);
      const rest = this.mempool.all();
      this.mempool.reset(this.state);
      for (const tx of rest) if (!included.has(txId(tx))) this.submit(tx, false);
      return;
    }
    const recheck: Uint8Array[] = [];
    for (const b of ballots) {
      if (this.mempool.remove(b.id) || b.nullifierKey === '') continue;
      // A ballot we never saw: a pending one claiming the same nullifier or ballot id lost.
      for (const k of [b.nullifierKey, b.ballotKey]) {
        const owner = this.mempool.ownerOf(k);
        if (owner === undefined) continue;
        const tx = this.mempool.txOf(owner);
        if (this.mempool.remove(owner) && tx !== undefined) recheck.push(tx);
      }
    }
    this.mempool.rebase(this.state);
    for (const tx of recheck) this.submit(tx, false);
  }

  // ---- rounds --------------------------------------------------------------------------

  proposerOf(height: number, round: number): Uint8Array {
    const vs = this.schedule.at(height).validators;
    const v = vs[(height + round) % vs.length];
    if (v === undefined) throw new Error('empty validator set');
    return v.pubKey;
  }

  private inSet(height: number): boolean {
    return this.schedule.at(height).validators.some((v) => equalBytes(v.pubKey, this.publicKey));
  }

  private enterRound(round: number): void {
    this.clearTimers();
    if (!this.running) return;
    this.round = round;
    const wait = round === 0 ? this.o.blockMs : 0;
    if (equalBytes(this.proposerOf(this.height, round), this.publicKey)) {
      this.proposeTimer = this.o.clock.setTimeout(() => {
        this.proposeTimer = null;
        this.propose();
      }, wait);
    }
    const height = this.height;
    this.roundTimer = this.o.clock.setTimeout(() => {
      this.roundTimer = null;
      if (this.height !== height || this.round !== round) return;
      this.log.info(EVENTS.roundTimeout, { height, round });
      void this.sync().then(() => {
        if (this.running && this.height === height && this.round === round) {
          this.enterRound(round + 1);
        }
      });
    }, wait + this.roundTimeoutMs);
    // A proposal for this round may have arrived before we got here.
    this.tryCommit(round);
  }

  private propose(): void {
    if (!this.running || this.faults.stalled || !this.inSet(this.height)) return;
    let header: Header;
    let txs: Uint8Array[];
    if (this.lock !== null) {
      header = this.lock.header;
      txs = this.lock.txs;
    } else {
      txs = this.mempool.first(Math.min(this.o.maxBlockTxs ?? MAX_BLOCK_TXS, MAX_BLOCK_TXS));
      header = {
        chainId: this.chainId,
        height: this.height,
        time: Math.max(this.now(), this.o.genesis.time, (this.lastHeader?.time ?? 0) + 1),
        lastBlockId: this.lastHeader === null ? GENESIS_LAST_BLOCK_ID : headerHash(this.lastHeader),
        dataHash: merkleRoot(txs),
        validatorsHash: validatorSetHash(this.schedule.at(this.height)),
        nextValidatorsHash: validatorSetHash(this.schedule.at(this.height + 1)),
        appHash: this.stateRoot(),
      };
    }
    const blockId = headerHash(header);
    const p: Proposal = {
      kind: 'proposal',
      round: this.round,
      header,
      txs,
      pubKey: this.publicKey,
      signature: this.o.signer.sign(
        voteSignBytes(this.chainId, header.height, this.round, blockId),
      ),
    };
    this.o.transport.broadcast(p);
    this.receive(p);
  }

  /** Every consensus message from a peer (or ourselves) lands here. */
  receive(msg: ConsensusMsg): void {
    if (!this.running) return;
    switch (msg.kind) {
      case 'tx':
        this.submit(msg.tx, false);
        return;
      case 'proposal':
        this.onProposal(msg);
        return;
      case 'vote':
        this.onVote(msg);
        return;
    }
  }

  private bufferFuture(msg: ConsensusMsg): void {
    if (this.buffered.length < MAX_BUFFERED) this.buffered.push(msg);
    void this.sync();
  }

  /** Why a proposal is not voted for, or null if it is the block we would build too. */
  private checkProposal(p: Proposal): string | null {
    const h = p.header;
    if (!equalBytes(p.pubKey, this.proposerOf(h.height, p.round))) return 'not-the-proposer';
    const blockId = headerHash(h);
    if (
      !verifyEd25519(p.pubKey, voteSignBytes(h.chainId, h.height, p.round, blockId), p.signature)
    ) {
      return 'bad-signature';
    }
    if (h.chainId !== this.chainId) return 'chain-id';
    const last = this.lastHeader === null ? GENESIS_LAST_BLOCK_ID : headerHash(this.lastHeader);
    if (!equalBytes(h.lastBlockId, last)) return 'last-block-id';
    if (!equalBytes(h.dataHash, merkleRoot(p.txs))) return 'data-hash';
    if (!equalBytes(h.validatorsHash, validatorSetHash(this.schedule.at(h.height)))) {
      return 'validators-hash';
    }
    if (!equalBytes(h.nextValidatorsHash, validatorSetHash(this.schedule.at(h.height + 1)))) {
      return 'next-validators-hash';
    }
    if (!equalBytes(h.appHash, this.stateRoot())) return 'app-hash';
    if (this.lastHeader !== null && h.time <= this.lastHeader.time) return 'time-not-increasing';
    if (h.time > this.now() + this.maxDriftMs) return 'time-in-future';
    if (this.lock !== null && !equalBytes(headerHash(this.lock.header), blockId)) return 'locked';
    return null;
  }

  private onProposal(p: Proposal): void {
    if (p.header.height > this.height) return this.bufferFuture(p);
    if (p.header.height < this.height || p.round < this.round) return;
    if (this.proposals.has(p.round)) return;
    const why = this.checkProposal(p);
    if (why !== null) {
      this.log.warn(EVENTS.proposalRefused, { height: p.header.height, round: p.round, why });
      return;
    }
    this.proposals.set(p.round, p);
    const blockId = headerHash(p.header);
    // The proposal's signature is the proposer's vote.
    this.addVote({
      kind: 'vote',
      height: p.header.height,
      round: p.round,
      blockId,
      pubKey: p.pubKey,
      signature: p.signature,
    });
    if (
      !this.faults.stalled &&
      this.inSet(this.height) &&
      !this.votedRounds.has(p.round) &&
      !equalBytes(p.pubKey, this.publicKey)
    ) {
      this.votedRounds.add(p.round);
      this.lock = p;
      const v: Vote = {
        kind: 'vote',
        height: p.header.height,
        round: p.round,
        blockId,
        pubKey: this.publicKey,
        signature: this.o.signer.sign(
          voteSignBytes(this.chainId, p.header.height, p.round, blockId),
        ),
      };
      this.o.transport.broadcast(v);
      this.addVote(v);
    } else if (equalBytes(p.pubKey, this.publicKey)) {
      this.votedRounds.add(p.round);
      this.lock = p;
    }
    // Catching up to a later round re-runs tryCommit for it.
    if (p.round > this.round) this.enterRound(p.round);
    else this.tryCommit(p.round);
  }

  private onVote(v: Vote): void {
    if (v.height > this.height) return this.bufferFuture(v);
    if (v.height < this.height) return;
    const set = this.schedule.at(v.height);
    if (!set.validators.some((x) => equalBytes(x.pubKey, v.pubKey))) return;
    if (
      !verifyEd25519(
        v.pubKey,
        voteSignBytes(this.chainId, v.height, v.round, v.blockId),
        v.signature,
      )
    ) {
      return;
    }
    this.addVote(v);
    this.tryCommit(v.round);
  }

  private addVote(v: Vote): void {
    let m = this.votes.get(v.round);
    if (m === undefined) {
      m = new Map();
      this.votes.set(v.round, m);
    }
    const k = toHex(v.pubKey);
    if (!m.has(k)) m.set(k, v);
  }

  private tryCommit(round: number): void {
    const p = this.proposals.get(round);
    const votes = this.votes.get(round);
    if (p === undefined || votes === undefined) return;
    const blockId = headerHash(p.header);
    const set = this.schedule.at(p.header.height);
    let power = 0;
    const signatures: Commit['signatures'] = [];
    // Canonical set order, so every validator builds the same commit from the same votes.
    for (const val of set.validators) {
      const v = votes.get(toHex(val.pubKey));
      if (v === undefined || !equalBytes(v.blockId, blockId)) continue;
      power += val.power;
      signatures.push({ pubKey: v.pubKey, signature: v.signature });
    }
    if (power * 3 <= totalVotingPower(set) * 2) return;
    const commit: Commit = { height: p.header.height, round, blockId, signatures };
    this.apply({ header: p.header, commit, txs: p.txs }, true);
  }

  // ---- committing ----------------------------------------------------------------------

  /** Executes and stores a committed block, then moves to the next height. */
  private apply(block: Block, persist: boolean): void {
    const h = block.header;
    const ctx: BlockCtx = { height: h.height, time: h.time, recentBlockIds: this.recentBlockIds };
    const before = this.state;
    const ids = block.txs.map(txId);
    const ex = executeBlock(
      this.state,
      block.txs,
      ctx,
      this.o.deps,
      this.checks === null ? undefined : { memo: this.checks, txKeys: ids },
    );
    // Executed once: nothing checks these bytes again (a later copy is refused statefully).
    if (this.checks !== null) for (const id of ids) this.checks.delete(id);
    if (persist) this.o.store.append(block, ex.statuses);
    if (ex.validatorUpdate !== null) {
      this.schedule.change(h.height + 2, ex.validatorUpdate);
      this.log.info(EVENTS.validatorSetChanged, { from: h.height + 2 });
    }
    for (const n of ex.notices) this.log.info(n.event, { subject: n.subject, height: h.height });
    this.state = ex.state;
    this.lastHeader = h;
    this.recentBlockIds = [...this.recentBlockIds, headerHash(h)].slice(-RECENT_BLOCK_IDS);
    this.height = h.height + 1;
    this.states.set(this.height, this.state);
    this.states.delete(this.height - STATE_HISTORY);
    this.proposals = new Map();
    this.votes = new Map();
    this.votedRounds = new Set();
    this.lock = null;
    if (!persist) return;
    this.log.info(EVENTS.blockCommitted, {
      height: h.height,
      txs: block.txs.length,
      rejected: ex.rejected,
    });
    this.afterCommit(block, ids, before, ctx);
    for (const fn of this.commitListeners) fn(block);
    this.enterRound(0);
    const pending = this.buffered;
    this.buffered = [];
    for (const m of pending) this.receive(m);
  }

  /**
   * Why a block fetched from a peer cannot be the next one, or null. The commit must carry
   * > 2/3 of the power of the set we know for that height, with valid signatures.
   */
  private checkSyncedBlock(b: Block): string | null {
    const h = b.header;
    if (h.height !== this.height) return 'height';
    if (h.chainId !== this.chainId) return 'chain-id';
    const last = this.lastHeader === null ? GENESIS_LAST_BLOCK_ID : headerHash(this.lastHeader);
    if (!equalBytes(h.lastBlockId, last)) return 'last-block-id';
    if (!equalBytes(h.dataHash, merkleRoot(b.txs))) return 'data-hash';
    if (!equalBytes(h.appHash, this.stateRoot())) return 'app-hash';
    const set = this.schedule.at(h.height);
    if (!equalBytes(h.validatorsHash, validatorSetHash(set))) return 'validators-hash';
    const blockId = headerHash(h);
    if (b.commit.height !== h.height || !equalBytes(b.commit.blockId, blockId)) return 'commit';
    const msg = voteSignBytes(h.chainId, h.height, b.commit.round, blockId);
    const seen = new Set<string>();
    let power = 0;
    for (const s of b.commit.signatures) {
      const k = toHex(s.pubKey);
      const v = set.validators.find((x) => equalBytes(x.pubKey, s.pubKey));
      if (v === undefined || seen.has(k) || !verifyEd25519(s.pubKey, msg, s.signature)) {
        return 'commit-signature';
      }
      seen.add(k);
      power += v.power;
    }
    return power * 3 > totalVotingPower(set) * 2 ? null : 'commit-power';
  }

  /** Catches up from peers: fetches committed blocks beyond ours until none are left. */
  sync(): Promise<void> {
    if (this.syncing !== null) return this.syncing;
    this.syncing = (async () => {
      // Bounded: each batch advances or ends the loop.
      for (let i = 0; i < 10_000 && this.running; i++) {
        const blocks = await this.o.transport.fetchBlocks(this.height, SYNC_BATCH);
        let applied = 0;
        for (const b of blocks) {
          if (!this.running || b.header.height !== this.height) break;
          const why = this.checkSyncedBlock(b);
          if (why !== null) {
            this.log.warn(EVENTS.proposalRefused, { height: b.header.height, why, at: 'sync' });
            break;
          }
          this.apply(b, true);
          applied++;
        }
        if (applied > 0)
          this.log.info(EVENTS.blocksSynced, { blocks: applied, height: this.height - 1 });
        if (applied === 0) break;
      }
    })().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }
}
