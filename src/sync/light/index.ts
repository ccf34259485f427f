// The light client: pure verification (no networking). The sync node calls these with
// blocks it fetched over libp2p and a TrustedState it keeps in the store.
export { atLeast, CommitTally, moreThanTwoThirds } from './commit.js';
export {
  assertTrustLevel,
  checkLightBlock,
  trustFromCheckpoint,
  verifyAdjacent,
  verifyLightBlock,
  verifySkipping,
} from './verify.js';
export {
  verifyToHeight,
  type BisectionArgs,
  type BisectionError,
  type BisectionResult,
  type FetchLightBlock,
} from './bisection.js';
export {
  verifyBackwards,
  type BackwardsArgs,
  type BackwardsError,
  type FetchHeader,
} from './backwards.js';
export {
  crossCheckWitness,
  makeEvidence,
  type CrossCheckArgs,
  type WitnessError,
} from './witness.js';
export { decodeTrustedState, encodeTrustedState } from './state.js';
export * from './types.js';
