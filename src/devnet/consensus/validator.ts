// One devnet validator: Tendermint's two-phase round (Algorithm 1 of "The latest gossip on BFT
// consensus", arXiv 1807.04938), with its lock, unlock and valid-value rules.
//
// Height h, round r: the proposer is the (h + r)-th validator of the set for h, in canonical
// order. It proposes a header over its mempool (or, with validRound >= 0, the block that last
// had > 2/3 prevotes); every validator checks the header against its own execution
// (lastBlockId, dataHash, both validator-set hashes, appHash, time) and prevotes it or nil;
// > 2/3 prevotes for it lock the block and are followed by a precommit, and > 2/3 precommits
// for a block in any round decide the height: those precommit signatures, over voteSignBytes,
// are the block's commit. A validator locked on a block prevotes another only with a proof of
// lock from a later round, which is what lets a split of locks heal (docs/devnet.md).
//
// appHash convention (CometBFT): header h carries the root of the state after block h - 1;
// block h's transactions are executed once it is committed.
import { equalBytes } from '../../protocol/bytes.js';
import { type Ed25519Signer, verifyEd25519 } from '../../protocol/ed25519.js';
import {
  consensusSignBytes,
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
import { assertNever, err, ok, type Result } from '../../shared/result.js';
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
import { SIGN_STEP, signDecision, type SignState, type SignStep } from './sign-guard.js';
import {
  MAX_BLOCK_TXS,
  MAX_TX_BYTES,
  NO_ROUND,
  signProposal,
  type Block,
  type ConsensusMsg,
  type Genesis,
  type Prevote,
  type Precommit,
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
  /** Pause between a commit and the next proposal (the others wait for it on top of timeouts). */
  blockMs: number;
  /**
   * About how long a round may take before the next proposer tries (default 4 x blockMs +
   * 500): the propose timeout is half of it, the prevote and precommit timeouts a quarter
   * each, each growing with the round (see timeout()).
   */
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
 * trie paths its block replaced (by estimate ~3 800 interior nodes for a 190-ballot block at
 * 100 000 ballots); going from 256 to 64 took the sync bench's validators from 901 to 583 MiB
 * of heap at 100 000 ballots.
 */
const STATE_HISTORY = 64;
const RECENT_BLOCK_IDS = 256;
const MAX_MEMPOOL = 10_000;
/** Future-height messages kept while we catch up. */
const MAX_BUFFERED = 256;
const SYNC_BATCH = 64;

export const txId = (tx: Uint8Array): string => toHex(taggedHash(TAG.devnetTxId, tx));

export type Step = 'propose' | 'prevote' | 'precommit';
type TimerSlot = Step | 'proposal' | 'gossip' | 'stall';

/** A proposed block with its id computed once. */
interface Candidate {
  header: Header;
  txs: Uint8Array[];
  id: Uint8Array;
  idHex: string;
}

function candidate(header: Header, txs: Uint8Array[]): Candidate {
  const id = headerHash(header);
  return { header, txs, id, idHex: toHex(id) };
}

/** Everything a validator knows about the height it is deciding; dropped at its commit. */
class HeightState {
  readonly proposals = new Map<number, { msg: Proposal; block: Candidate }>();
  readonly prevotes = new Map<number, VoteSet<Prevote>>();
  readonly precommits = new Map<number, VoteSet<Precommit>>();
  /** Who sent anything in a round (line 55's f + 1). */
  readonly senders = new Map<number, Set<string>>();
  locked: Candidate | null = null;
  lockedRound = NO_ROUND;
  valid: Candidate | null = null;
  validRound = NO_ROUND;
  /** valid(v) by block id: why not, or null. */
  readonly validity = new Map<string, string | null>();
  /** The algorithm's "for the first time" rules, by round. */
  readonly prevoteTimeoutAt = new Set<number>();
  readonly precommitTimeoutAt = new Set<number>();
  readonly validAt = new Set<number>();
  readonly refusalLogged = new Set<number>();

  constructor(
    /** Voting power by validator key (hex) in this height's set. */
    readonly power: ReadonlyMap<string, number>,
    readonly total: number,
  ) {}
}

/** The value a vote names: a block id in hex, or 'nil'. */
const valueOf = (blockId: Uint8Array | null): string => (blockId === null ? 'nil' : toHex(blockId));

/**
 * One round's prevotes or precommits. The algorithm counts messages per value, so a
 * validator that signed two values (equivocation) counts for each: the n > 3f bound already
 * allows for f such validators, and counting only the first one received would let a
 * double-signer hide the proof of lock of a block it also voted for.
 */
class VoteSet<V extends Vote> {
  /** value -> signer (hex) -> vote */
  readonly byValue = new Map<string, Map<string, V>>();
  /** signer (hex) -> the values it signed */
  readonly signers = new Map<string, Set<string>>();

  add(v: V, signer: string, value: string): void {
    let m = this.byValue.get(value);
    if (m === undefined) {
      m = new Map();
      this.byValue.set(value, m);
    }
    m.set(signer, v);
    let s = this.signers.get(signer);
    if (s === undefined) {
      s = new Set();
      this.signers.set(signer, s);
    }
    s.add(value);
  }
}

function setAt<V extends Vote>(byRound: Map<number, VoteSet<V>>, round: number): VoteSet<V> {
  let set = byRound.get(round);
  if (set === undefined) {
    set = new VoteSet();
    byRound.set(round, set);
  }
  return set;
}

/**
 * What a vote signs. A precommit for a block signs voteSignBytes, the commit signature the
 * light client checks; prevotes and nil precommits sign the domain-separated
 * consensusSignBytes, so none of them can be replayed as a commit signature.
 */
export function voteBytes(
  chainId: string,
  v: { kind: Vote['kind']; height: number; round: number; blockId: Uint8Array | null },
): Uint8Array {
  if (v.kind === 'precommit') {
    return v.blockId === null
      ? consensusSignBytes(chainId, { type: 'precommit-nil', height: v.height, round: v.round })
      : voteSignBytes(chainId, v.height, v.round, v.blockId);
  }
  return consensusSignBytes(chainId, {
    type: 'prevote',
    height: v.height,
    round: v.round,
    blockId: v.blockId,
  });
}

/** A vote signed with the sign bytes of its kind (voteBytes). */
export function signVote(
  signer: Ed25519Signer,
  chainId: string,
  v: { kind: Vote['kind']; height: number; round: number; blockId: Uint8Array | null },
): Vote {
  const fields = {
    height: v.height,
    round: v.round,
    blockId: v.blockId,
    pubKey: signer.publicKey,
  };
  const signature = signer.sign(voteBytes(chainId, v));
  return v.kind === 'prevote'
    ? { kind: 'prevote', ...fields, signature }
    : { kind: 'precommit', ...fields, signature };
}

export class Validator {
  readonly publicKey: Uint8Array;
  readonly faults: FaultSwitches;
  private readonly o: ValidatorOptions;
  private readonly log: Logger;
  /** The last step signed (also in the store, read once after a restart). */
  private lastSigned: SignState | undefined;
  private readonly schedule: ValidatorSchedule;
  private readonly roundTimeoutMs: number;
  private readonly maxDriftMs: number;

  /** The height being decided (committed height + 1). */
  private height = 1;
  private round = 0;
  private step: Step = 'propose';
  /** Our votes of this round that `faults.stalled` held back. */
  private deferred: { kind: Vote['kind']; blockId: Uint8Array | null }[] = [];
  private hs: HeightState;
  private state: AppState;
  private lastHeader: Header | null = null;
  private recentBlockIds: Uint8Array[] = [];
  /** state whose root header h carries, by h. */
  private readonly states = new Map<number, AppState>();

  private buffered: ConsensusMsg[] = [];

  private readonly mempool: Mempool;
  private readonly checks: CheckCache | null;
  private rootOf: { state: AppState; root: Uint8Array } | null = null;

  private readonly timers = new Map<TimerSlot, TimerHandle>();
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
    this.hs = this.heightState(1);
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

  /** Where this validator is in the algorithm (tests and diagnostics). */
  get roundState(): { height: number; round: number; step: Step } {
    return { height: this.height, round: this.round, step: this.step };
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
    this.startRound(0);
    void this.sync();
  }

  stop(): void {
    this.running = false;
    this.clearTimers();
  }

  private clearTimers(): void {
    for (const t of this.timers.values()) this.o.clock.clearTimeout(t);
    this.timers.clear();
  }

  private heightState(height: number): HeightState {
    const set = this.schedule.at(height);
    const power = new Map(set.validators.map((v) => [toHex(v.pubKey), v.power] as const));
    return new HeightState(power, totalVotingPower(set));
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

  // ---- rounds (Algorithm 1 of arXiv 1807.04938; line numbers refer to it) ----------------

  proposerOf(height: number, round: number): Uint8Array {
    const vs = this.schedule.at(height).validators;
    const v = vs[(height + round) % vs.length];
    if (v === undefined) throw new Error('empty validator set');
    return v.pubKey;
  }

  private inSet(height: number): boolean {
    return this.schedule.at(height).validators.some((v) => equalBytes(v.pubKey, this.publicKey));
  }

  /** Whether this validator signs anything at the current height. */
  private signs(): boolean {
    return this.running && !this.faults.stalled && this.inSet(this.height);
  }

  private timeout(step: Step, round: number): number {
    const t = this.roundTimeoutMs;
    // Growing with the round (the algorithm's liveness needs timeouts that eventually
    // exceed the real delays); round 0 takes about roundTimeoutMs when nothing arrives.
    switch (step) {
      case 'propose':
        return Math.ceil(t / 2 + (round * t) / 4);
      case 'prevote':
      case 'precommit':
        return Math.ceil(t / 4 + (round * t) / 8);
      default:
        return assertNever(step);
    }
  }

  private after(slot: TimerSlot, ms: number, fn: () => void): void {
    const old = this.timers.get(slot);
    if (old !== undefined) this.o.clock.clearTimeout(old);
    this.timers.set(
      slot,
      this.o.clock.setTimeout(() => {
        this.timers.delete(slot);
        fn();
      }, ms),
    );
  }

  /** StartRound (line 11). */
  private startRound(round: number): void {
    this.clearTimers();
    if (!this.running) return;
    this.round = round;
    this.step = 'propose';
    this.deferred = [];
    const height = this.height;
    const wait = round === 0 ? this.o.blockMs : 0;
    if (equalBytes(this.proposerOf(height, round), this.publicKey)) {
      this.after('proposal', wait, () => {
        if (this.height === height && this.round === round) this.propose();
      });
    }
    // The proposer schedules it too: a stalled or crashed-and-restarted proposer must not
    // keep the others waiting, and its own proposal moves it out of the propose step.
    this.after('propose', wait + this.timeout('propose', round), () =>
      this.onTimeout('propose', height, round),
    );
    this.after('gossip', wait + this.roundTimeoutMs, () => this.regossip(height, round));
    this.progress();
  }

  private propose(): void {
    if (!this.signs() || this.step !== 'propose' || this.hs.proposals.has(this.round)) return;
    const hs = this.hs;
    let block: Candidate;
    let pol: Prevote[] = [];
    if (hs.valid !== null) {
      // Lines 14-15: a block that had > 2/3 prevotes is proposed again, with their proof.
      block = hs.valid;
      pol = [...(hs.prevotes.get(hs.validRound)?.byValue.get(block.idHex)?.values() ?? [])];
    } else {
      const txs = this.mempool.first(Math.min(this.o.maxBlockTxs ?? MAX_BLOCK_TXS, MAX_BLOCK_TXS));
      const header: Header = {
        chainId: this.chainId,
        height: this.height,
        time: Math.max(this.now(), this.o.genesis.time, (this.lastHeader?.time ?? 0) + 1),
        lastBlockId: this.lastHeader === null ? GENESIS_LAST_BLOCK_ID : headerHash(this.lastHeader),
        dataHash: merkleRoot(txs),
        validatorsHash: validatorSetHash(this.schedule.at(this.height)),
        nextValidatorsHash: validatorSetHash(this.schedule.at(this.height + 1)),
        appHash: this.stateRoot(),
      };
      block = candidate(header, txs);
    }
    const validRound = hs.valid === null ? NO_ROUND : hs.validRound;
    const p = signProposal(this.o.signer, {
      round: this.round,
      validRound,
      header: block.header,
      txs: block.txs,
      pol,
    });
    if (!this.mayBroadcast(SIGN_STEP.proposal, p.round, p.signature)) return;
    this.o.transport.broadcast(p);
    hs.proposals.set(p.round, { msg: p, block });
    this.noteSender(p.round, this.publicKey);
    this.progress();
  }

  /** Every consensus message from a peer lands here. */
  receive(msg: ConsensusMsg): void {
    if (!this.running) return;
    switch (msg.kind) {
      case 'tx':
        this.submit(msg.tx, false);
        return;
      case 'proposal':
        this.onProposal(msg);
        return;
      case 'prevote':
      case 'precommit':
        if (this.acceptVote(msg)) this.progress();
        return;
      default:
        assertNever(msg);
    }
  }

  private bufferFuture(msg: ConsensusMsg): void {
    if (this.buffered.length < MAX_BUFFERED) this.buffered.push(msg);
    void this.sync();
  }

  /** valid(v): why a block is not the one we would build on our state, or null. */
  private checkBlock(b: Candidate): string | null {
    const known = this.hs.validity.get(b.idHex);
    if (known !== undefined) return known;
    const why = this.checkBlockUncached(b);
    // The clock moves on, so "from the future" is asked again; everything else is fixed by
    // the committed state of this height.
    if (why !== 'time-in-future') this.hs.validity.set(b.idHex, why);
    return why;
  }

  private checkBlockUncached(b: Candidate): string | null {
    const h = b.header;
    if (h.chainId !== this.chainId) return 'chain-id';
    if (h.height !== this.height) return 'height';
    const last = this.lastHeader === null ? GENESIS_LAST_BLOCK_ID : headerHash(this.lastHeader);
    if (!equalBytes(h.lastBlockId, last)) return 'last-block-id';
    if (!equalBytes(h.dataHash, merkleRoot(b.txs))) return 'data-hash';
    if (!equalBytes(h.validatorsHash, validatorSetHash(this.schedule.at(h.height)))) {
      return 'validators-hash';
    }
    if (!equalBytes(h.nextValidatorsHash, validatorSetHash(this.schedule.at(h.height + 1)))) {
      return 'next-validators-hash';
    }
    if (!equalBytes(h.appHash, this.stateRoot())) return 'app-hash';
    if (this.lastHeader !== null && h.time <= this.lastHeader.time) return 'time-not-increasing';
    if (h.time > this.now() + this.maxDriftMs) return 'time-in-future';
    return null;
  }

  private valid(b: Candidate, round: number): boolean {
    const why = this.checkBlock(b);
    if (why === null) return true;
    if (!this.hs.refusalLogged.has(round)) {
      this.hs.refusalLogged.add(round);
      this.log.warn(EVENTS.proposalRefused, { height: this.height, round, why });
    }
    return false;
  }

  private onProposal(p: Proposal): void {
    const height = p.header.height;
    if (height > this.height) return this.bufferFuture(p);
    if (height < this.height || this.hs.proposals.has(p.round)) return;
    const why = this.checkProposalMsg(p);
    if (why !== null) {
      this.log.warn(EVENTS.proposalRefused, { height, round: p.round, why });
      return;
    }
    const block = candidate(p.header, p.txs);
    this.hs.proposals.set(p.round, { msg: p, block });
    this.noteSender(p.round, p.pubKey);
    // The relayed proof of lock: each prevote stands on its own signature.
    for (const v of p.pol) {
      if (v.height === height && v.round === p.validRound && v.blockId !== null) {
        if (equalBytes(v.blockId, block.id)) this.acceptVote(v);
      }
    }
    this.progress();
  }

  /** Why a proposal message is not from the round's proposer or malformed, or null. */
  private checkProposalMsg(p: Proposal): string | null {
    const h = p.header;
    if (!equalBytes(p.pubKey, this.proposerOf(h.height, p.round))) return 'not-the-proposer';
    if (p.validRound >= p.round) return 'valid-round';
    const signed = consensusSignBytes(this.chainId, {
      type: 'proposal',
      height: h.height,
      round: p.round,
      blockId: headerHash(h),
      validRound: p.validRound,
    });
    if (!verifyEd25519(p.pubKey, signed, p.signature)) return 'bad-signature';
    return null;
  }

  /** Records a peer's vote if it is new and signed by a member of the set; true if so. */
  private acceptVote(v: Vote): boolean {
    if (v.height > this.height) {
      this.bufferFuture(v);
      return false;
    }
    if (v.height < this.height) return false;
    const k = toHex(v.pubKey);
    if (!this.hs.power.has(k)) return false;
    const value = valueOf(v.blockId);
    const byRound = v.kind === 'prevote' ? this.hs.prevotes : this.hs.precommits;
    const signed = byRound.get(v.round)?.signers.get(k);
    if (signed?.has(value) === true) return false;
    // A double-signer could name endless made-up blocks: a second value is kept only if it
    // is nil or a block proposed at this height, the only ones that can reach a quorum.
    if (signed !== undefined && value !== 'nil' && !this.proposed(value)) return false;
    if (!verifyEd25519(v.pubKey, voteBytes(this.chainId, v), v.signature)) return false;
    if (signed !== undefined) {
      this.log.warn(EVENTS.voteEquivocation, {
        height: v.height,
        round: v.round,
        kind: v.kind,
        validator: k.slice(0, 8),
      });
    }
    this.storeVote(v);
    return true;
  }

  private proposed(idHex: string): boolean {
    for (const p of this.hs.proposals.values()) if (p.block.idHex === idHex) return true;
    return false;
  }

  private storeVote(v: Vote): void {
    const signer = toHex(v.pubKey);
    const value = valueOf(v.blockId);
    if (v.kind === 'prevote') setAt(this.hs.prevotes, v.round).add(v, signer, value);
    else setAt(this.hs.precommits, v.round).add(v, signer, value);
    this.noteSender(v.round, v.pubKey);
  }

  private noteSender(round: number, pubKey: Uint8Array): void {
    let s = this.hs.senders.get(round);
    if (s === undefined) {
      s = new Set();
      this.hs.senders.set(round, s);
    }
    s.add(toHex(pubKey));
  }

  /** Signs, sends and counts one of our own votes. */
  private castVote(kind: Vote['kind'], blockId: Uint8Array | null): void {
    if (!this.running || !this.inSet(this.height)) return;
    if (this.faults.stalled) {
      // Held back, not forgotten: once the switch is cleared they go out late, as delayed
      // messages would. Dropping them would leave a validator that is alone in its round
      // (or a one-validator devnet) waiting for votes nobody will ever send.
      this.deferred.push({ kind, blockId });
      this.watchStall(this.height, this.round);
      return;
    }
    const v = signVote(this.o.signer, this.chainId, {
      kind,
      height: this.height,
      round: this.round,
      blockId,
    });
    const step = kind === 'prevote' ? SIGN_STEP.prevote : SIGN_STEP.precommit;
    if (!this.mayBroadcast(step, v.round, v.signature)) return;
    this.o.transport.broadcast(v);
    this.storeVote(v);
  }

  /**
   * Whether a message just signed at this height may go out (sign-guard.ts): a new step is
   * kept in the store first; a step already passed, or other content at the last one (after
   * a restart in the middle of a height), is not sent.
   */
  private mayBroadcast(step: SignStep, round: number, signature: Uint8Array): boolean {
    const next = { height: this.height, round, step, signature };
    const last = this.lastSigned ?? this.o.store.lastSigned();
    switch (signDecision(last, next)) {
      case 'sign':
        this.o.store.putSigned(next);
        this.lastSigned = next;
        return true;
      case 'same':
        return true;
      case 'refuse':
        this.log.warn(EVENTS.devnetSignRefused, {
          height: this.height,
          round,
          step,
          lastHeight: last?.height,
          lastRound: last?.round,
          lastStep: last?.step,
        });
        return false;
    }
  }

  private watchStall(height: number, round: number): void {
    const poll = Math.max(10, Math.min(this.o.blockMs, Math.ceil(this.roundTimeoutMs / 4)));
    this.after('stall', poll, () => {
      if (!this.running || this.height !== height || this.round !== round) return;
      if (this.faults.stalled) return this.watchStall(height, round);
      const held = this.deferred;
      this.deferred = [];
      for (const d of held) this.castVote(d.kind, d.blockId);
      this.progress();
    });
  }

  /**
   * The algorithm assumes that a message one correct validator received eventually reaches
   * every correct validator; a dropped delivery is never retried, so while a round lasts we
   * repeat our proposal of it and every vote we hold of it and of the round before (and
   * look for blocks we missed). The round before: a validator still there needs the
   * precommits that moved us on; this round: one behind needs > 1/3 of it to skip here.
   * Receivers drop what they hold before checking any signature, so repeats are cheap.
   */
  private regossip(height: number, round: number): void {
    if (!this.running || this.height !== height || this.round !== round) return;
    const mine = this.hs.proposals.get(round);
    if (mine !== undefined && equalBytes(mine.msg.pubKey, this.publicKey)) {
      this.o.transport.broadcast(mine.msg);
    }
    for (const r of [round - 1, round]) {
      for (const set of [this.hs.prevotes.get(r), this.hs.precommits.get(r)]) {
        for (const votes of set?.byValue.values() ?? []) {
          for (const v of votes.values()) this.o.transport.broadcast(v);
        }
      }
    }
    void this.sync();
    this.after('gossip', this.roundTimeoutMs, () => this.regossip(height, round));
  }

  private onTimeout(step: Step, height: number, round: number): void {
    if (!this.running || this.height !== height || this.round !== round) return;
    switch (step) {
      case 'propose':
        // Line 57.
        if (this.step !== 'propose') return;
        this.log.info(EVENTS.roundTimeout, { height, round, step });
        this.step = 'prevote';
        this.castVote('prevote', null);
        break;
      case 'prevote':
        // Line 61.
        if (this.step !== 'prevote') return;
        this.log.info(EVENTS.roundTimeout, { height, round, step });
        this.step = 'precommit';
        this.castVote('precommit', null);
        break;
      case 'precommit':
        // Line 65.
        this.log.info(EVENTS.roundTimeout, { height, round, step });
        void this.sync();
        this.startRound(round + 1);
        return;
      default:
        assertNever(step);
    }
    void this.sync();
    this.progress();
  }

  /** Power of the validators in `set` that voted `value` ('nil' or a block id), or anything. */
  private powerOf(set: VoteSet<Vote> | undefined, value?: string): number {
    const who = value === undefined ? set?.signers : set?.byValue.get(value);
    let power = 0;
    for (const k of who?.keys() ?? []) power += this.hs.power.get(k) ?? 0;
    return power;
  }

  private twoThirds(power: number): boolean {
    return power * 3 > this.hs.total * 2;
  }

  /** Applies the algorithm's upon-rules until none fires (each fires once per occasion). */
  private progress(): void {
    for (let i = 0; i < 1000 && this.running; i++) {
      if (!this.fireOne()) return;
    }
  }

  private fireOne(): boolean {
    const hs = this.hs;
    if (this.decide()) return true;
    const skip = this.roundToSkipTo();
    if (skip !== null) {
      // Line 55.
      this.startRound(skip);
      return true;
    }
    const r = this.round;
    const prop = hs.proposals.get(r);
    const prevotes = hs.prevotes.get(r);
    if (this.step === 'propose' && prop !== undefined) {
      const vr = prop.msg.validRound;
      const b = prop.block;
      if (vr === NO_ROUND) {
        // Line 22.
        const ok =
          this.valid(b, r) && (hs.lockedRound === NO_ROUND || hs.locked?.idHex === b.idHex);
        this.step = 'prevote';
        this.castVote('prevote', ok ? b.id : null);
        return true;
      }
      if (vr < r && this.twoThirds(this.powerOf(hs.prevotes.get(vr), b.idHex))) {
        // Line 28.
        const ok = this.valid(b, r) && (hs.lockedRound <= vr || hs.locked?.idHex === b.idHex);
        this.step = 'prevote';
        this.castVote('prevote', ok ? b.id : null);
        return true;
      }
    }
    if (
      this.step === 'prevote' &&
      !hs.prevoteTimeoutAt.has(r) &&
      this.twoThirds(this.powerOf(prevotes))
    ) {
      // Line 34.
      hs.prevoteTimeoutAt.add(r);
      const height = this.height;
      this.after('prevote', this.timeout('prevote', r), () => this.onTimeout('prevote', height, r));
      return true;
    }
    if (
      this.step !== 'propose' &&
      prop !== undefined &&
      !hs.validAt.has(r) &&
      this.twoThirds(this.powerOf(prevotes, prop.block.idHex)) &&
      this.valid(prop.block, r)
    ) {
      // Line 36.
      hs.validAt.add(r);
      if (this.step === 'prevote') {
        hs.locked = prop.block;
        hs.lockedRound = r;
        this.step = 'precommit';
        this.castVote('precommit', prop.block.id);
      }
      hs.valid = prop.block;
      hs.validRound = r;
      return true;
    }
    if (this.step === 'prevote' && this.twoThirds(this.powerOf(prevotes, 'nil'))) {
      // Line 44.
      this.step = 'precommit';
      this.castVote('precommit', null);
      return true;
    }
    if (!hs.precommitTimeoutAt.has(r) && this.twoThirds(this.powerOf(hs.precommits.get(r)))) {
      // Line 47.
      hs.precommitTimeoutAt.add(r);
      const height = this.height;
      this.after('precommit', this.timeout('precommit', r), () =>
        this.onTimeout('precommit', height, r),
      );
      return true;
    }
    return false;
  }

  /** Line 55: the highest later round that > 1/3 of the power has sent messages in. */
  private roundToSkipTo(): number | null {
    let best: number | null = null;
    for (const [round, senders] of this.hs.senders) {
      if (round <= this.round || (best !== null && round <= best)) continue;
      let power = 0;
      for (const k of senders) power += this.hs.power.get(k) ?? 0;
      if (power * 3 > this.hs.total) best = round;
    }
    return best;
  }

  /**
   * Line 49: a proposal and > 2/3 precommits for it in any round decide the height. The
   * commit is those precommit signatures in canonical set order, so every validator builds
   * the same one from the same votes.
   */
  private decide(): boolean {
    for (const [round, precommits] of this.hs.precommits) {
      const prop = this.hs.proposals.get(round);
      if (prop === undefined) continue;
      const b = prop.block;
      if (!this.twoThirds(this.powerOf(precommits, b.idHex)) || !this.valid(b, round)) continue;
      const forBlock = precommits.byValue.get(b.idHex);
      const signatures: Commit['signatures'] = [];
      for (const val of this.schedule.at(this.height).validators) {
        const v = forBlock?.get(toHex(val.pubKey));
        if (v !== undefined) signatures.push({ pubKey: v.pubKey, signature: v.signature });
      }
      const commit: Commit = { height: this.height, round, blockId: b.id, signatures };
      this.apply({ header: b.header, commit, txs: b.txs }, true);
      return true;
    }
    return false;
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
    this.hs = this.heightState(this.height);
    if (!persist) return;
    this.log.info(EVENTS.blockCommitted, {
      height: h.height,
      txs: block.txs.length,
      rejected: ex.rejected,
    });
    this.afterCommit(block, ids, before, ctx);
    for (const fn of this.commitListeners) fn(block);
    this.startRound(0);
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
