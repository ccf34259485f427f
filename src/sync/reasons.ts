// The network's rejection kinds (free-form strings on the wire) mapped onto the store's closed
// set, so no validator-supplied text reaches the outbox.
import type { RejectReason } from '../store/index.js';

export function toRejectReason(reason: string): RejectReason {
  switch (reason) {
    case 'duplicate-nullifier':
      return 'duplicate-nullifier';
    case 'bad-signature':
      return 'invalid-signature';
    case 'ballot-invalid':
      return 'invalid-proof';
    case 'unknown-election':
      return 'unknown-election';
    case 'outside-window':
      return 'election-closed';
    case 'unregistered-kiosk':
    case 'kiosk-revoked':
      return 'unregistered-kiosk';
    case 'kiosk-wrong-unit':
    case 'not-drawn-juror':
    case 'jury-not-drawn':
      return 'not-eligible';
    case 'malformed':
    case 'ballot-id-mismatch':
    case 'too-large':
      return 'malformed';
    default:
      return 'other';
  }
}

/** Answers that mean "it is in a block already": success, go fetch the proof. */
export const isAlreadyIncluded = (reason: string): boolean => reason === 'already-included';

/**
 * Refusals that say "not now" rather than "never": a full mempool drains as blocks are made,
 * so the ballot is retried with backoff instead of stored as a terminal rejection.
 */
export const isTransientRefusal = (reason: string): boolean => reason === 'mempool-full';
