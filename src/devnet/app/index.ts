// The devnet's application layer: a deterministic state machine over canonical keys that
// validators run on every block. See docs/governance.md for keys, transactions and rules.
export { ballotVerifiers, type BallotVerifierOptions } from './ballot-verifiers.js';
export {
  applyBlock,
  applyTx,
  beginBlock,
  rejectionRecord,
  type BlockResult,
  type StatelessCheck,
  type StatelessMemo,
  type TxMemo,
  type TxEffect,
} from './apply.js';
export type { AppDeps, BallotClaim, VerifierError } from './deps.js';
export type { BlockCtx, Notice } from './env.js';
export { genesisState } from './genesis.js';
export { canonicalPool, drawJury, juryPoolHash, jurySeed, verifyJuryDraw } from './jury-draw.js';
export { FAMILIES, familyOf, key } from './keys.js';
export type * from './records.js';
export type { Rejection, RejectionKind, TxOutcome } from './rejection.js';
export { rankCandidates } from './rules/elections.js';
export { calledElectionId } from './rules/recall.js';
export { isOnRoll } from './rules/registry.js';
export * from './schemas.js';
export {
  AppState,
  compareKeys,
  Overlay,
  read,
  readAll,
  type Diff,
  type StateView,
} from './state.js';
export * from './tx.js';
