// Continuity of a kiosk's confirmation-code chain: each envelope names the previous code and
// the next sequence number, so a ballot dropped, inserted or moved shows up as a break.
import { toHex } from '../protocol/hash.js';
import { err, ok, type Result } from '../shared/result.js';
import { chainGenesis, type Envelope } from './envelope.js';
import { bytesEqual } from './group.js';

export interface ChainAnchor {
  /** Sequence number of the last envelope already verified, and its code. */
  seq: number;
  code: Uint8Array;
}

export type ChainError =
  | { kind: 'wrong-kiosk'; index: number }
  | { kind: 'gap'; index: number; expectedSeq: number; seq: number }
  | { kind: 'reorder'; index: number; expectedSeq: number; seq: number }
  | { kind: 'broken-link'; index: number; seq: number };

/**
 * Verifies that `envelopes` (as published, in order) continue the chain of `kioskId` from
 * `anchor` (or from the genesis link when there is none). Returns the new anchor.
 */
export function verifyChain(
  kioskId: string,
  envelopes: readonly Envelope[],
  anchor?: ChainAnchor,
): Result<ChainAnchor | undefined, ChainError> {
  let expectedSeq = anchor ? anchor.seq + 1 : 0;
  let prev = anchor ? anchor.code : chainGenesis(kioskId);
  let last = anchor;
  for (const [index, e] of envelopes.entries()) {
    if (e.kioskId !== kioskId) return err({ kind: 'wrong-kiosk', index });
    if (e.kioskSeq > expectedSeq) return err({ kind: 'gap', index, expectedSeq, seq: e.kioskSeq });
    if (e.kioskSeq < expectedSeq)
      return err({ kind: 'reorder', index, expectedSeq, seq: e.kioskSeq });
    if (!bytesEqual(e.chainPrev, prev)) return err({ kind: 'broken-link', index, seq: e.kioskSeq });
    prev = e.confirmationCode;
    last = { seq: e.kioskSeq, code: e.confirmationCode };
    expectedSeq++;
  }
  return ok(last);
}

/** Short human form of a confirmation code for screens and receipts (first 10 bytes). */
export function shortCode(code: Uint8Array): string {
  const hex = toHex(code.subarray(0, 10)).toUpperCase();
  return hex.match(/.{4}/g)?.join('-') ?? hex;
}
