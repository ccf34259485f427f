// Registration-time key check. node:crypto imports any 32 bytes as an Ed25519 key, so a
// typo'd or malicious key would register and then simply never verify; decoding the point
// here turns that into a visible rejection. Small-order points are refused too: a key whose
// signatures verify for many messages must not speak for a kiosk or staff member.
import { ed25519 } from '@noble/curves/ed25519.js';

export function isUsableEd25519Key(raw: Uint8Array): boolean {
  if (raw.length !== 32) return false;
  try {
    return !ed25519.Point.fromBytes(raw).isSmallOrder();
  } catch {
    return false;
  }
}
