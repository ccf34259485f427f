// The host side of one voter's session at the kiosk: which votes are open to them, the ballot
// in progress, confirm (seal, show the code), then cast (store, then print) or challenge
// (store the reveal, print it, start over). One voter at a time; everything about the voter
// lives in this object's memory and is dropped by end(). See docs/voting.md.
import {
  PreparedBallotPool,
  challengeBallot,
  encodeSignedEnvelope,
  nextChainLink,
  sealBallot,
  shortCode,
  type SealedBallot,
  type Signer,
} from '../../ballot/index.js';
import type { PrintError, PrintJob, ReceiptPrinter } from '../../hardware/types.js';
import { encodeCanonical } from '../../protocol/encoding.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { EnqueueError, Store } from '../../store/index.js';
import { createCastIndex, type CastIndex } from './cast-index.js';
import type { ChainView, SyncedElection } from './chain-view.js';
import {
  documentExpired,
  identifyVoter,
  nullifierOf,
  type RollConfig,
  type Voter,
} from './eligibility.js';
import { buildProfile } from './profile.js';
import { checkReceipt } from './receipt-check.js';
import { checkPicks, type Picks } from './picks.js';
import { castReceipt, challengeReceipt, type Language, type ReceiptFacts } from './receipt.js';
import type {
  NotRecorded,
  PrintOutcome,
  PrintProblem,
  StepError,
  VoteItem,
  VotingService,
  VotingState,
} from './types.js';

export type * from './types.js';

export interface VotingDeps {
  readonly chain: ChainView;
  readonly roll: RollConfig;
  readonly kioskId: string;
  readonly signer: Signer;
  readonly store: Pick<Store, 'outbox' | 'chain' | 'reconciliation'>;
  readonly printer: Pick<ReceiptPrinter, 'print'>;
  /** The polls service's verdict for an election (src/main/staff/polls.ts). */
  readonly canVote: (electionId: string) => boolean;
  readonly clock: Clock;
  /** Prepared ballots kept ready per election (default 2). */
  readonly poolTarget?: number;
  /** For what staff should hear about (a nullifier lookup the chain could not answer). */
  readonly logger?: Logger;
}

type Inner =
  | { s: 'choosing' }
  | { s: 'marking'; e: SyncedElection }
  | { s: 'review'; e: SyncedElection; picks: Picks; choices: number[][] }
  | { s: 'sealed'; e: SyncedElection; sealed: SealedBallot; nullifier: Uint8Array }
  | {
      s: 'receipt';
      e: SyncedElection;
      kind: 'cast' | 'challenged';
      code: string;
      job: PrintJob;
      printed: boolean;
    };

interface Session {
  voter: Voter;
  language: Language;
  state: Inner;
  /** Printing is async; a session ended meanwhile must not be touched by the late answer. */
  alive: boolean;
  /** Elections the chain held this voter's nullifier in when the session began. */
  spentOnChain: ReadonlySet<string>;
}

/**
 * How long a session's start waits for the chain's word on the voter's nullifiers. Past it
 * (or offline) the kiosk's own cast index decides; the chain still refuses a second ballot.
 */
export const SPENT_LOOKUP_MS = 800;

function printProblem(e: PrintError): PrintProblem {
  switch (e.kind) {
    case 'status':
      if (e.status.paperOut) return 'paper-out';
      if (e.status.coverOpen) return 'cover-open';
      if (!e.status.online) return 'printer-offline';
      return 'printer-fault';
    case 'device':
      return e.error.kind === 'io' ? 'printer-fault' : 'printer-offline';
  }
}

function notRecorded(e: EnqueueError): NotRecorded {
  switch (e.kind) {
    case 'disk-full':
      return { kind: 'not-recorded', reason: 'storage-full' };
    case 'io':
    case 'locked':
    case 'invalid':
    case 'chain-break':
    case 'conflict':
      return { kind: 'not-recorded', reason: 'storage-error' };
  }
}

/** Drops the selection nonces and plaintext as soon as they are no longer needed. */
function wipeSecrets(sealed: SealedBallot): void {
  for (const row of sealed.secrets.nonces) row.fill(0n);
  for (const row of sealed.secrets.choices) row.fill(0);
  sealed.secrets.nonces.length = 0;
  sealed.secrets.choices.length = 0;
}

export function createVotingService(deps: VotingDeps): VotingService {
  const castIndex: CastIndex = createCastIndex(deps.store);
  const pools = new Map<string, PreparedBallotPool>();
  let session: Session | undefined;
  /** Bumped by every begin() and end(): a scrypt still running for an older card is void. */
  let generation = 0;

  const nowS = () => Math.floor(deps.clock.now() / 1000);
  const inWindow = (e: SyncedElection) => {
    const t = nowS();
    return t >= e.ctx.election.window.opens && t < e.ctx.election.window.closes;
  };
  const poolFor = (e: SyncedElection): PreparedBallotPool => {
    const key = `${e.ctx.election.electionId}\u0000${e.styleId}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = new PreparedBallotPool(e.ctx, e.styleId, { target: deps.poolTarget ?? 2 });
      pools.set(key, pool);
    }
    return pool;
  };
  /** Open elections this voter may see (jury ballots only to drawn jurors). */
  const visible = (voter: Voter): SyncedElection[] =>
    deps.chain
      .elections()
      .filter(
        (e) =>
          inWindow(e) &&
          deps.canVote(e.ctx.election.electionId) &&
          (e.ctx.election.kind !== 'jury' ||
            deps.chain.isDrawnJuror(e.ctx.election.electionId, voter.rollEntry)),
      );
  const hasVoted = (s: Session, electionId: string): boolean => {
    const n = nullifierOf(deps.roll, s.voter, electionId);
    return castIndex.has(electionId, n) || s.spentOnChain.has(electionId);
  };
  const listVotes = (s: Session): VoteItem[] =>
    visible(s.voter).map((e) => ({
      electionId: e.ctx.election.electionId,
      kind: e.ctx.election.kind,
      title: e.ctx.election.title,
      styleId: e.styleId,
      status: hasVoted(s, e.ctx.election.electionId) ? 'already-voted' : 'open',
    }));
  const viewOf = (s: Session | undefined): VotingState => {
    if (!s) return { state: 'no-voter' };
    const st = s.state;
    switch (st.s) {
      case 'choosing':
        return { state: 'choosing' };
      case 'marking':
        return { state: 'marking', electionId: st.e.ctx.election.electionId };
      case 'review':
        return { state: 'review', electionId: st.e.ctx.election.electionId, picks: st.picks };
      case 'sealed':
        return {
          state: 'sealed',
          electionId: st.e.ctx.election.electionId,
          code: shortCode(st.sealed.confirmationCode),
        };
      case 'receipt':
        return {
          state: 'receipt',
          electionId: st.e.ctx.election.electionId,
          kind: st.kind,
          code: st.code,
          printed: st.printed,
        };
    }
  };
  const wrong = (s: Session): StepError => ({ kind: 'wrong-state', state: viewOf(s) });
  const facts = (e: SyncedElection, sealed: SealedBallot): ReceiptFacts => ({
    title: e.ctx.election.title,
    electionId: e.ctx.election.electionId,
    kioskId: deps.kioskId,
    ballotId: sealed.ballotId,
    confirmationCode: sealed.confirmationCode,
    time: sealed.envelope.time,
  });

  /** Prints the receipt state's job; on success the session moves on. */
  async function printPending(s: Session): Promise<PrintOutcome> {
    const st = s.state;
    if (st.s !== 'receipt') throw new Error('printPending outside the receipt state');
    const r = await deps.printer.print(st.job);
    if (!r.ok) return { printed: false, problem: printProblem(r.error) };
    // The card may have been pulled while the paper moved; that session is gone already.
    if (s.alive && s.state === st) {
      s.state = st.kind === 'cast' ? { s: 'choosing' } : { s: 'marking', e: st.e };
    }
    return { printed: true };
  }

  /** The chain's word on this voter's nullifiers, or nothing once SPENT_LOOKUP_MS passed. */
  async function spentOnChain(voter: Voter): Promise<ReadonlySet<string>> {
    const asks = visible(voter).map((e) => {
      const electionId = e.ctx.election.electionId;
      return { electionId, nullifier: nullifierOf(deps.roll, voter, electionId) };
    });
    if (asks.length === 0) return new Set();
    let timer: TimerHandle | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = deps.clock.setTimeout(() => resolve('late'), SPENT_LOOKUP_MS);
    });
    const asked = deps.chain.spentNullifiers(asks).catch(() => null);
    const r = await Promise.race([asked, late]);
    if (timer !== undefined) deps.clock.clearTimeout(timer);
    if (r !== null && r !== 'late') return r;
    // The voter goes on; staff should know the chain could not say (counts only: no
    // identity, no nullifier).
    deps.logger?.warn(EVENTS.votingSpentUnknown, {
      reason: r === 'late' ? 'late' : 'unanswered',
      elections: asks.length,
    });
    return new Set();
  }

  const openElections = () =>
    deps.chain.elections().filter((e) => inWindow(e) && deps.canVote(e.ctx.election.electionId));

  function end(): void {
    generation++;
    const s = session;
    session = undefined;
    if (!s) return;
    s.alive = false;
    if (s.state.s === 'sealed') wipeSecrets(s.state.sealed);
    if (s.state.s === 'review') for (const row of s.state.choices) row.fill(0);
    s.voter.identityKey.fill(0);
    s.state = { s: 'choosing' };
  }

  const sealedStep = (
    s: Session | undefined,
  ): Result<{ s: Session; st: Extract<Inner, { s: 'sealed' }> }, StepError> => {
    if (!s) return err({ kind: 'no-voter' });
    if (s.state.s !== 'sealed') return err(wrong(s));
    return ok({ s, st: s.state });
  };

  return {
    async begin(doc, language) {
      end();
      const mine = generation;
      if (documentExpired(doc, deps.clock.now())) return err({ kind: 'document-expired' });
      const voter = await identifyVoter(deps.roll, deps.chain, doc);
      if (!voter.ok) return voter;
      if (mine !== generation) {
        // The card left (or another came) while scrypt ran: this voter is already gone.
        voter.value.identityKey.fill(0);
        return err({ kind: 'superseded' });
      }
      const spent = await spentOnChain(voter.value);
      if (mine !== generation) {
        voter.value.identityKey.fill(0);
        return err({ kind: 'superseded' });
      }
      const s: Session = {
        voter: voter.value,
        language,
        state: { s: 'choosing' },
        alive: true,
        spentOnChain: spent,
      };
      const votes = listVotes(s);
      if (!votes.some((v) => v.status === 'open')) {
        voter.value.identityKey.fill(0);
        return err({ kind: 'nothing-to-vote' });
      }
      session = s;
      return ok({ votes });
    },
    setLanguage(language) {
      if (session) session.language = language;
    },
    view: () => viewOf(session),
    votes() {
      if (!session) return err({ kind: 'no-voter' });
      return ok(listVotes(session));
    },
    open(electionId) {
      const s = session;
      if (!s) return err({ kind: 'no-voter' });
      if (s.state.s !== 'choosing' && s.state.s !== 'marking')
        return err({ kind: 'busy', state: viewOf(s) });
      const e = deps.chain.elections().find((x) => x.ctx.election.electionId === electionId);
      // Unknown, closed, or a jury the voter was not drawn for all look the same to them.
      if (!e || !inWindow(e)) return err({ kind: 'not-available', electionId });
      if (!deps.canVote(electionId)) return err({ kind: 'polls-closed', electionId });
      if (!visible(s.voter).includes(e)) return err({ kind: 'not-available', electionId });
      if (hasVoted(s, electionId)) return err({ kind: 'already-voted', electionId });
      s.state = { s: 'marking', e };
      return ok({
        electionId,
        kind: e.ctx.election.kind,
        title: e.ctx.election.title,
        styleId: e.styleId,
        contests: e.ctx.styles.get(e.styleId) ?? [],
      });
    },
    review(picks) {
      const s = session;
      if (!s) return err({ kind: 'no-voter' });
      if (s.state.s !== 'marking' && s.state.s !== 'review') return err(wrong(s));
      const { e } = s.state;
      const choices = checkPicks(e.ctx, e.styleId, picks);
      if (!choices.ok) return choices;
      s.state = { s: 'review', e, picks, choices: choices.value };
      return ok({ picks });
    },
    back() {
      const s = session;
      if (!s) return err({ kind: 'no-voter' });
      if (s.state.s !== 'review') return err(wrong(s));
      s.state = { s: 'marking', e: s.state.e };
      return ok(undefined);
    },
    confirm() {
      const s = session;
      if (!s) return err({ kind: 'no-voter' });
      const st = s.state;
      if (st.s !== 'review') return err(wrong(s));
      const electionId = st.e.ctx.election.electionId;
      if (!deps.canVote(electionId)) return err({ kind: 'polls-closed', electionId });
      const started = deps.clock.monotonic();
      const head = deps.store.chain.head();
      const link = nextChainLink(
        deps.kioskId,
        head && { kioskSeq: head.kioskSeq, confirmationCode: head.code },
      );
      const nullifier = nullifierOf(deps.roll, s.voter, electionId);
      const sealed = sealBallot({
        ctx: st.e.ctx,
        prepared: poolFor(st.e).take(),
        choices: st.choices,
        nullifier,
        kioskId: deps.kioskId,
        kioskSeq: link.kioskSeq,
        chainPrev: link.chainPrev,
        now: nowS(),
        signer: deps.signer,
      });
      if (!sealed.ok) {
        // The picks were checked and the pool is of this election: only the window can fail.
        if (sealed.error.kind === 'outside-window')
          return err({ kind: 'window-closed', electionId });
        throw new Error(`seal failed after checks: ${sealed.error.kind}`);
      }
      const sealMs = deps.clock.monotonic() - started;
      s.state = { s: 'sealed', e: st.e, sealed: sealed.value, nullifier };
      return ok({ code: shortCode(sealed.value.confirmationCode), sealMs });
    },
    async cast() {
      const step = sealedStep(session);
      if (!step.ok) return step;
      const { s, st } = step.value;
      const electionId = st.e.ctx.election.electionId;
      if (!deps.canVote(electionId)) return err({ kind: 'polls-closed', electionId });
      const { sealed } = st;
      const stored = deps.store.outbox.enqueue({
        ballotId: sealed.ballotId,
        electionId,
        kioskSeq: sealed.envelope.kioskSeq,
        confirmationCode: sealed.confirmationCode,
        chainPrev: sealed.envelope.chainPrev,
        envelope: encodeSignedEnvelope(sealed.signed),
        kind: 'cast',
      });
      // Nothing is stored and nothing was shown as recorded; the sealed ballot stays so the
      // voter may try again once staff has freed space.
      if (!stored.ok) return err(notRecorded(stored.error));
      wipeSecrets(sealed);
      castIndex.add(electionId, st.nullifier);
      const code = shortCode(sealed.confirmationCode);
      s.state = {
        s: 'receipt',
        e: st.e,
        kind: 'cast',
        code,
        job: castReceipt(facts(st.e, sealed), s.language),
        printed: false,
      };
      const print = await printPending(s);
      return ok({ recorded: true, code, print });
    },
    async challenge() {
      const step = sealedStep(session);
      if (!step.ok) return step;
      const { s, st } = step.value;
      const { sealed } = st;
      const electionId = st.e.ctx.election.electionId;
      const reveal = challengeBallot(sealed, deps.signer).signed;
      const stored = deps.store.outbox.enqueue({
        ballotId: sealed.ballotId,
        electionId,
        kioskSeq: sealed.envelope.kioskSeq,
        confirmationCode: sealed.confirmationCode,
        chainPrev: sealed.envelope.chainPrev,
        // Published together so anyone can open the challenged ballot (docs/voting.md).
        envelope: encodeCanonical({
          envelope: sealed.signed.bytes,
          signature: sealed.signed.signature,
          reveal: reveal.bytes,
          revealSignature: reveal.signature,
        }),
        kind: 'challenged',
      });
      if (!stored.ok) return err(notRecorded(stored.error));
      wipeSecrets(sealed);
      const code = shortCode(sealed.confirmationCode);
      s.state = {
        s: 'receipt',
        e: st.e,
        kind: 'challenged',
        code,
        job: challengeReceipt(facts(st.e, sealed), reveal, s.language),
        printed: false,
      };
      const print = await printPending(s);
      return ok({ challenged: true, code, print });
    },
    async reprint() {
      const s = session;
      if (!s) return err({ kind: 'no-voter' });
      if (s.state.s !== 'receipt') return err(wrong(s));
      return ok(await printPending(s));
    },
    skipReceipt() {
      const s = session;
      if (!s) return err({ kind: 'no-voter' });
      const st = s.state;
      if (st.s !== 'receipt') return err(wrong(s));
      s.state = st.kind === 'cast' ? { s: 'choosing' } : { s: 'marking', e: st.e };
      return ok(undefined);
    },
    profile(electionId, optionId) {
      const s = session;
      if (!s) return err({ kind: 'no-voter' });
      // Only ballots this voter may see: a jury bill stays hidden from everyone else.
      if (!visible(s.voter).some((e) => e.ctx.election.electionId === electionId))
        return err({ kind: 'not-available' });
      return buildProfile(deps.chain, electionId, optionId, nowS());
    },
    checkReceipt: (code) => checkReceipt({ chain: deps.chain, store: deps.store }, code),
    end,
    prefill() {
      for (const e of openElections()) {
        const pool = poolFor(e);
        while (pool.fillOne());
      }
    },
    warm() {
      for (const e of openElections()) poolFor(e).start();
    },
    stop() {
      for (const p of pools.values()) p.stop();
    },
  };
}
