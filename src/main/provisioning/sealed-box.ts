// The roll secret travels inside the provisioning bundle sealed to the kiosk's X25519 key, so
// whoever carries the bundle (USB stick, technician laptop) cannot read it:
//   eph        = fresh X25519 key of the authority, used once
//   shared     = X25519(eph, kioskBoxKey)
//   key        = HKDF-SHA256(ikm = shared, salt = eph.pub ‖ kioskBoxKey, info = INFO ‖ context)
//   ciphertext = AES-256-GCM(key, iv, secret, aad = context)
// `context` binds the box to its bundle (chain id, kiosk signing key, enrollment nonce), so a
// box lifted from one kiosk's bundle does not open in another's.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { x25519 } from '@noble/curves/ed25519.js';
import { z } from 'zod';
import { bytesSchema } from '../../protocol/bytes.js';
import { encodeCanonical } from '../../protocol/encoding.js';
import { err, ok, type Result } from '../../shared/result.js';

const INFO = 'veche/roll-secret-box/v1';

export const SealedBoxSchema = z.strictObject({
  ephemeralKey: bytesSchema(32),
  iv: bytesSchema(12),
  ciphertext: bytesSchema(undefined, 4096),
  tag: bytesSchema(16),
});
export type SealedBox = z.infer<typeof SealedBoxSchema>;

export interface BoxContext {
  readonly chainId: string;
  readonly kioskSigningKey: Uint8Array;
  readonly enrollmentNonce: Uint8Array;
}

function contextBytes(c: BoxContext): Uint8Array {
  return encodeCanonical({
    chainId: c.chainId,
    kioskSigningKey: c.kioskSigningKey,
    enrollmentNonce: c.enrollmentNonce,
  });
}

function deriveKey(shared: Uint8Array, eph: Uint8Array, recipient: Uint8Array, ctx: Uint8Array) {
  const info = Buffer.concat([Buffer.from(INFO, 'utf8'), ctx]);
  return new Uint8Array(hkdfSync('sha256', shared, Buffer.concat([eph, recipient]), info, 32));
}

/** The authority's side (and the test authority's). */
export function sealToKiosk(
  secret: Uint8Array,
  recipientBoxKey: Uint8Array,
  context: BoxContext,
): SealedBox {
  const eph = x25519.utils.randomSecretKey();
  const ephemeralKey = x25519.getPublicKey(eph);
  const shared = x25519.getSharedSecret(eph, recipientBoxKey);
  const ctx = contextBytes(context);
  const key = deriveKey(shared, ephemeralKey, recipientBoxKey, ctx);
  const iv = new Uint8Array(randomBytes(12));
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(ctx);
  const ciphertext = new Uint8Array(Buffer.concat([c.update(secret), c.final()]));
  eph.fill(0);
  key.fill(0);
  return { ephemeralKey, iv, ciphertext, tag: new Uint8Array(c.getAuthTag()) };
}

/** The kiosk's side: `agree` is KioskKeys.agree, so the box secret never leaves keys/. */
export function openSealedBox(
  box: SealedBox,
  recipient: { boxKey: Uint8Array; agree(peer: Uint8Array): Uint8Array | null },
  context: BoxContext,
): Result<Uint8Array, { kind: 'cannot-open' }> {
  const shared = recipient.agree(box.ephemeralKey);
  if (shared === null) return err({ kind: 'cannot-open' });
  const ctx = contextBytes(context);
  const key = deriveKey(shared, box.ephemeralKey, recipient.boxKey, ctx);
  shared.fill(0);
  try {
    const d = createDecipheriv('aes-256-gcm', key, box.iv);
    d.setAAD(ctx);
    d.setAuthTag(box.tag);
    return ok(new Uint8Array(Buffer.concat([d.update(box.ciphertext), d.final()])));
  } catch {
    return err({ kind: 'cannot-open' });
  } finally {
    key.fill(0);
  }
}
