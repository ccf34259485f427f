// The exact inputs of every Fiat–Shamir challenge of a ballot, in one place so the prover and
// the verifier cannot drift apart. G is not listed: it is a protocol constant from
// hash-to-curve, and K is bound both directly and through the election hash.
import { TAG } from '../protocol/hash.js';
import { u32 } from './group.js';

export const SELECTION_TAG = TAG.selectionProof;
export const LIMIT_TAG = TAG.limitProof;

export function selectionHeader(
  electionHash: Uint8Array,
  context: Uint8Array,
  contestIndex: number,
  optionIndex: number,
  K: Uint8Array,
  alpha: Uint8Array,
  beta: Uint8Array,
): Uint8Array[] {
  return [electionHash, context, u32(contestIndex), u32(optionIndex), K, alpha, beta];
}

export function limitHeader(
  electionHash: Uint8Array,
  context: Uint8Array,
  contestIndex: number,
  K: Uint8Array,
  sumAlpha: Uint8Array,
  sumBeta: Uint8Array,
): Uint8Array[] {
  return [electionHash, context, u32(contestIndex), K, sumAlpha, sumBeta];
}
