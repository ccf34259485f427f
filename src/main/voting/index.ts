// The voting service's public surface for the host (src/main/host.ts wires it).
export {
  staticChainView,
  type ChainBallot,
  type ChainView,
  type ElectionSubject,
  type PersonRecords,
  type StaticChainData,
  type SyncedElection,
} from './chain-view.js';
export {
  deriveIdentityKeyAsync,
  documentExpired,
  documentIdentity,
  type RollConfig,
  type EligibilityRefusal,
} from './eligibility.js';
export { checkPicks, type Picks, type PicksError } from './picks.js';
export { castReceipt, challengeReceipt, receiptQr, revealPayload } from './receipt.js';
export * from './service.js';
export {
  VOTING_RPC,
  type VotingMethod,
  type VotingRequest,
  type VotingResponse,
} from './rpc-schema.js';
export { votingHandlers, type VotingHandler, type VotingHandlers } from './handlers.js';
export { touching, voterHooks } from './session-hooks.js';
export { checkReceipt, ReceiptCodeSchema } from './receipt-check.js';
export { buildProfile } from './profile.js';
