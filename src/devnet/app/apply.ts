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

/** Signature of the right key, and for the authority a fresh seq. */
function authorize(env: Env, tx: Tx): Result<void, Rejection> {
  const signer = signerOf(tx.body);
  const message = signingMessage(tx.body);
  switch (signer.kind) {
    case 'authority': {
      const auth = read<AuthorityRecord>(env.s, key.authority());
      if (auth === undefined) throw new Error('state has no authority (not from genesis())');
      if (!verifyEd25519(auth.publicKey, message, tx.signature)) {
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
      return verifyEd25519(kiosk.value.publicKey, message, tx.signature)
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
 * rejected. `state` may be an AppState or a block in progress (an Overlay).
 */
export function applyTx(
  state: StateView,
  tx: Tx,
  block: BlockCtx,
  deps: AppDeps,
): Result<TxEffect, Rejection> {
  const env = makeEnv(new Overlay(state), block, deps);
  const auth = authorize(env, tx);
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

/** Applies a block of transaction bytes; every transaction gets an outcome. */
export function applyBlock(
  state: AppState,
  txs: readonly Uint8Array[],
  block: BlockCtx,
  deps: AppDeps,
): BlockResult {
  const s = new Overlay(state);
  const begin = beginBlock(s, block, deps);
  s.absorb(begin.diff);
  const notices = [...begin.notices];
  const outcomes: TxOutcome[] = txs.map((bytes, index) => {
    const decoded = decodeTx(bytes);
    if (!decoded.ok) return { index, txKind: null, ok: false, rejection: decoded.error };
    const tx = decoded.value;
    const r = applyTx(s, tx, block, deps);
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
