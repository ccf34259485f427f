// The ballot module's public surface, for the host (session sealing), the devnet (validation,
// tally, guardians) and any public verifier. See docs/protocol.md for what each step means.
export {
  loadElection,
  loadElectionBytes,
  encodeElection,
  electionHash,
  type ElectionContext,
  type ElectionError,
} from './context.js';
export { contestShape, limitValues, selectionValues, type ContestShape } from './kinds.js';
export {
  generateGuardianKeys,
  deterministicScalars,
  guardianPublicShare,
  type GuardianKeys,
  type GuardianSecret,
} from './election-key.js';
export { ed25519Signer, verifyEd25519, type Signer } from './ed25519.js';
export { prepareBallot, preparedMultiplications, type PreparedBallot } from './prepare.js';
export { PreparedBallotPool, type PoolOptions } from './pool.js';
export {
  sealBallot,
  choicesFor,
  checkChoices,
  type SealInput,
  type SealedBallot,
  type SealError,
} from './seal.js';
export {
  EnvelopeSchema,
  TIME_GRANULARITY_S,
  ballotId,
  chainGenesis,
  coarseTime,
  confirmationCode,
  decodeEnvelope,
  decodeSignedEnvelope,
  encodeEnvelope,
  encodeSignedEnvelope,
  envelopeSigningMessage,
  nextChainLink,
  type Envelope,
  type SignedEnvelope,
} from './envelope.js';
export {
  verifyEnvelope,
  verifyEnvelopeContent,
  verifyUnsignedEnvelope,
  type VerifiedBallot,
  type VerifyError,
} from './verify-envelope.js';
export { verifyChain, shortCode, type ChainAnchor, type ChainError } from './verify-chain.js';
export {
  challengeBallot,
  decodeReveal,
  parseReveal,
  revealSigningMessage,
  openChallenged,
  type ChallengeReveal,
  type SignedReveal,
  type RevealError,
} from './challenge.js';
export {
  deriveIdentityKey,
  deriveNullifier,
  deriveRollEntry,
  DEFAULT_ROLL_COST,
  type DocumentIdentity,
  type RollParams,
} from './nullifier.js';
export {
  accumulateTally,
  partialDecrypt,
  verifyPartialDecryption,
  combineDecryptions,
  verifyTallyResult,
  encodePartialDecryptions,
  decodePartialDecryptions,
  type EncryptedTally,
  type PartialDecryption,
  type DecryptedTally,
  type TallyError,
  type DecryptionError,
} from './tally.js';
