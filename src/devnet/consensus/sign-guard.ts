// What keeps a validator from signing twice in one step of a round, across restarts: the last
// (height, round, step) it signed and the signature, kept in its chain store before the
// message leaves (CometBFT's privval "last sign state"). Without it a validator that crashed
// after precommitting a block and restarted at round 0 of the same height could prevote or
// precommit another: an equivocation by an honest node.
import { equalBytes } from '../../protocol/bytes.js';

/** Signing steps in the order a round takes them. */
export const SIGN_STEP = { proposal: 1, prevote: 2, precommit: 3 } as const;
export type SignStep = (typeof SIGN_STEP)[keyof typeof SIGN_STEP];

export interface SignState {
  readonly height: number;
  readonly round: number;
  readonly step: SignStep;
  /** The signature made: Ed25519 is deterministic, so the same content signs the same. */
  readonly signature: Uint8Array;
}

/**
 * `sign`: a later step than any signed, keep it and send. `same`: exactly what was signed at
 * that step already (a resend). `refuse`: an earlier step, or other content at the last one.
 */
export function signDecision(
  last: SignState | undefined,
  next: SignState,
): 'sign' | 'same' | 'refuse' {
  if (last === undefined) return 'sign';
  const order = next.height - last.height || next.round - last.round || next.step - last.step;
  if (order > 0) return 'sign';
  if (order < 0) return 'refuse';
  return equalBytes(last.signature, next.signature) ? 'same' : 'refuse';
}
