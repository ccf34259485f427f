// Chip challenge–response, the optional capability of a card reader driver (DESIGN §7).
// Modelled on ICAO 9303 part 11 Active Authentication: the host sends a fresh random
// challenge, the chip signs it with a private key that never leaves it, and the host
// verifies the signature with the chip's public key. Our reader protocol carries Ed25519
// (RFC 8032) keys in SPKI DER; real AA chips use RSA or ECDSA, which only changes the
// verify call. Binding the public key to the issuer (passive authentication of DG15 via
// the SOD and the country's CSCA certificate) is the documented next step, not done here.
import { createPublicKey, verify } from 'node:crypto';
import type { Result } from '../../shared/result.js';

export interface ChipProof {
  challenge: Uint8Array;
  signature: Uint8Array;
  /** The chip's public key, SPKI DER. */
  publicKey: Uint8Array;
}

export type ChipError =
  | { kind: 'unsupported'; detail: string }
  | { kind: 'no-card'; detail: string }
  | { kind: 'busy'; detail: string }
  | { kind: 'timeout'; detail: string }
  | { kind: 'chip-error'; detail: string }
  | { kind: 'bad-signature'; detail: string }
  | { kind: 'device'; detail: string };

export interface ChipAuthenticator {
  /** Whether the reader announced the capability (`AA` in its @READY line). */
  readonly chipSupported: boolean;
  /** Challenges the chip of the card in the reader; ok only for a verified signature. */
  authenticateChip(): Promise<Result<ChipProof, ChipError>>;
}

/** Whether `signature` is the chip's Ed25519 signature over `challenge`; never throws. */
export function verifyChipSignature(proof: ChipProof): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(proof.publicKey), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, proof.challenge, key, proof.signature);
  } catch {
    return false;
  }
}

export function hasChipAuthenticator(reader: object): reader is ChipAuthenticator {
  return (
    'authenticateChip' in reader &&
    typeof (reader as ChipAuthenticator).authenticateChip === 'function'
  );
}
