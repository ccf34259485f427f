// The state transition the validators run on every block:
//   beginBlock (time-driven rules) → each transaction in order → one new AppState.
// Pure and deterministic: the only inputs are the prior state, the block context (height,
// block time, recent block ids) and the transaction bytes; the injected verifiers must be
// deterministic too. A rejected transaction changes nothing (except the duplicate-ballot
// record, see rejectionRecord) and the block still applies the rest.
import { verifyEd25519 } from '../../protocol/ed25519.js';
import { fromHex } from '../../protocol/hash.js';
import { assertNever, err, ok, type Result } from '../../shared/result.js';
import type { AppDeps } from './deps.js';
import { unixSeconds, type BlockCtx, type Env, type Notice } from './env.js';
import { key } from './keys.js';
import type { AuthorityRecord } from './records.js';
import type { Rejection, TxOutcome } from './rejection.js';
import { ballot, chainHead, challenge, recordDuplicate } from './rules/ballots.js';
import { candidateRegister, promiseStatus } from './rules/candidates.js';
import { closeDueElections, electionCreate, tally } from './rules/elections.js';
import { drawDueJuries, juryEligibility, juryRequest } from './rules/jury.js';
import { requireKiosk } from './rules/lookup.js';
import { endDueRecalls } from './rules/recall.js';
import {
  jurorQualify,
  kioskRegister,
  kioskRevoke,
  rollAdd,
  rollRemove,
  staffRevoke,
  staffSet,
  unitParams,
} from './rules/registry.js';
import { Overlay, read, type AppState, type Diff, type StateView } from './state.js';
import { decodeTx, signerOf, signingMessage, type Tx } from './tx.js';

export interface TxEffect {
  diff: Diff;
  notices: Notice[];
}

function makeEnv(s: Overlay, block: BlockCtx, deps: AppDeps): Env {
  if (!Number.isSafeInteger(block.height) || block.height < 1) {
    throw new RangeError(`block height ${block.height} is not a positive integer`);
  }
  return { s, block, nowS: unixSeconds(block.time), deps, notices: [] };
}

/**
 * The stateless checks a validator may remember between CheckTx and execution
 * (src/devnet/consensus/check-cache.ts). A check is named with every state-derived input its
 * result depends on; the transaction bytes themselves are covered by `txKey`, the hash of
 * all of them. Only passed checks are recorded, and a lookup only skips a computation whose
 * result is known, so a memo never changes an outcome.
 */
export type StatelessCheck =
  | { kind: 'signature'; publicKey: Uint8Array }
  /** deps.verifyBallot: a function of the tx, the election's definition and the kiosk. */
  | { kind: 'ballot'; definition: Uint8Array; unit: string; kioskKey: Uint8Array };

export interface StatelessMemo {
  has(txKey: string, check: StatelessCheck): boolean;
  add(txKey: string, check: StatelessCheck): void;
}

/** A memo and the key (txId: taggedHash over the full wire bytes) of the tx being applied. */
export interface TxMemo {
  readonly memo: StatelessMemo;
  readonly txKey: string;
}

function verifySigner(publicKey: Uint8Array, tx: Tx, memo: TxMemo | undefined): boolean {
  const check: StatelessCheck = { kind: 'signature', publicKey };
  if (memo?.memo.has(memo.txKey, check) === true) return true;
  const valid = verifyEd25519(publicKey, signingMessage(tx.body), tx.signature);
  if (valid) memo?.memo.add(memo.txKey, check);
  return valid;
}

/** verifyBallot through the memo: the proofs of these bytes under this definition, once. */
function memoDeps(deps: AppDeps, memo: TxMemo): AppDeps {
  // A prototype link, not a copy: injected verifiers may be class instances.
  const wrapped = Object.create(deps) as AppDeps;
  wrapped.verifyBallot = (envelope, election, claim) => {
    if (election.definition === null) return deps.verifyBallot(envelope, election, claim);
    const check: StatelessCheck = {
      kind: 'ballot',
      definition: election.definition,
      unit: claim.kiosk.unit,
      kioskKey: claim.kiosk.publicKey,
    };
    if (memo.memo.has(memo.txKey, check)) return ok(undefined);
    const r = deps.verifyBallot(envelope, election, claim);
    if (r.ok) memo.memo.add(memo.txKey, check);
    return r;
  };
  return wrapped;
}

/** Signature of the right key, and for the authority a fresh seq. */
function authorize(env: Env, tx: Tx, memo: TxMemo | undefined): Result<void, Rejection> {
  const signer = signerOf(tx.body);
  switch (signer.kind) {
    case 'authority': {
      const auth = read<AuthorityRecord>(env.s, key.authority());
      if (auth === undefined) throw new Error('state has no authority (not from genesis())');
      if (!verifySigner(auth.publicKey, tx, memo)) {
        return err({ kind: 'bad-signature', signer: 'authority' });
      }
      const seq = (tx.body as { seq: number }).seq;
      if (seq <= auth.seq) return err({ kind: 'stale-seq', last: auth.seq });
      env.s.put(key.authority(), { ...auth, seq });
      return ok(undefined);
    }
    case 'kiosk': {
      const kiosk = requireKiosk(env, signer.kioskId);
      if (!kiosk.ok) return kiosk;
      return verifySigner(kiosk.value.publicKey, tx, memo)
        ? ok(undefined)
        : err({ kind: 'bad-signature', signer: 'kiosk' });
    }
    default:
      return assertNever(signer, 'signer');
  }
}

function dispatch(env: Env, tx: Tx): Result<void, Rejection> {
  const body = tx.body;
  switch (body.kind) {
    case 'unit-params':
      return unitParams(env, body);
    case 'kiosk-register':
      return kioskRegister(env, body);
    case 'kiosk-revoke':
      return kioskRevoke(env, body);
    case 'staff-set':
      return staffSet(env, body);
    case 'staff-revoke':
      return staffRevoke(env, body);
    case 'roll-add':
      return rollAdd(env, body);
    case 'roll-remove':
      return rollRemove(env, body);
    case 'juror-qualify':
      return jurorQualify(env, body);
    case 'candidate-register':
      return candidateRegister(env, body);
    case 'promise-status':
      return promiseStatus(env, body);
    case 'election-create':
      return electionCreate(env, body);
    case 'ballot':
      return ballot(env, body, tx.signature);
    case 'ballot-challenge':
      return challenge(env, body);
    case 'chain-head':
      return chainHead(env, body);
    case 'tally':
      return tally(env, body);
    case 'jury-draw':
      return juryRequest(env, body);
    case 'jury-eligibility':
      return juryEligibility(env, body);
    default:
      return assertNever(body, 'tx kind');
  }
}

/**
 * Validates one transaction against a state and returns its writes, or why it was
 * rejected. `state` may be an AppState or a block in progress (an Overlay). With `memo`,
 * stateless checks these exact bytes already passed are not computed again.
 */
export function applyTx(
  state: StateView,
  tx: Tx,
  block: BlockCtx,
  deps: AppDeps,
  memo?: TxMemo,
): Result<TxEffect, Rejection> {
  const env = makeEnv(new Overlay(state), block, memo === undefined ? deps : memoDeps(deps, memo));
  const auth = authorize(env, tx, memo);
  if (!auth.ok) return auth;
  const r = dispatch(env, tx);
  if (!r.ok) return r;
  return ok({ diff: env.s.diff(), notices: env.notices });
}

/**
 * The writes a rejection leaves behind. Only an authenticated, cryptographically valid
 * ballot that lost on its nullifier leaves one (so staff see the duplicate); everything
 * else leaves nothing.
 */
export function rejectionRecord(
  state: StateView,
  tx: Tx,
  rejection: Rejection,
  block: BlockCtx,
): TxEffect {
  const s = new Overlay(state);
  const notices: Notice[] = [];
  if (rejection.kind === 'duplicate-nullifier' && tx.body.kind === 'ballot') {
    recordDuplicate(s, tx.body, fromHex(rejection.firstBallotId), block.height);
    notices.push({
      event: 'devnet.ballot.duplicate',
      subject: key.duplicate(tx.body.electionId, tx.body.ballotId),
    });
  }
  return { diff: s.diff(), notices };
}

/** The time-driven rules at the start of a block: close elections, end recalls, draw juries. */
export function beginBlock(state: StateView, block: BlockCtx, deps: AppDeps): TxEffect {
  const env = makeEnv(new Overlay(state), block, deps);
  closeDueElections(env);
  endDueRecalls(env);
  drawDueJuries(env);
  return { diff: env.s.diff(), notices: env.notices };
}

export interface BlockResult {
  state: AppState;
  outcomes: TxOutcome[];
  notices: Notice[];
}

/**
 * Applies a block of transaction bytes; every transaction gets an outcome. With `memo`,
 * `txKeys[i]` must be txs[i]'s txId (the caller has them already).
 */
export function applyBlock(
  state: AppState,
  txs: readonly Uint8Array[],
  block: BlockCtx,
  deps: AppDeps,
  memo?: { memo: StatelessMemo; txKeys: readonly string[] },
): BlockResult {
  if (memo !== undefined && memo.txKeys.length !== txs.length) {
    throw new RangeError(`${memo.txKeys.length} tx keys for ${txs.length} transactions`);
  }
  // Read-only here: these bytes are not checked again after their block, and recording a
  // block's unseen transactions would only evict pending ones that still will be.
  const lookup: StatelessMemo | undefined =
    memo === undefined ? undefined : { has: (k, c) => memo.memo.has(k, c), add: () => undefined };
  const s = new Overlay(state);
  const begin = beginBlock(s, block, deps);
  s.absorb(begin.diff);
  const notices = [...begin.notices];
  const outcomes: TxOutcome[] = txs.map((bytes, index) => {
    const decoded = decodeTx(bytes);
    if (!decoded.ok) return { index, txKind: null, ok: false, rejection: decoded.error };
    const tx = decoded.value;
    const txKey = memo?.txKeys[index];
    const r = applyTx(
      s,
      tx,
      block,
      deps,
      lookup === undefined || txKey === undefined ? undefined : { memo: lookup, txKey },
    );
    if (r.ok) {
      s.absorb(r.value.diff);
      notices.push(...r.value.notices);
      return { index, txKind: tx.body.kind, ok: true };
    }
    const trace = rejectionRecord(s, tx, r.error, block);
    s.absorb(trace.diff);
    notices.push(...trace.notices);
    return { index, txKind: tx.body.kind, ok: false, rejection: r.error };
  });
  return { state: state.apply(s.diff()), outcomes, notices };
}
