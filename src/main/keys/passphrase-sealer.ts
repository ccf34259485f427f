// Seals with a key derived from a passphrase: scrypt (salt and cost stored in the blob) and
// AES-256-GCM from node:crypto. Every header field (format, cost, salt, IV, label) is the
// AEAD's additional data, so changing any of them makes unsealing fail instead of silently
// deriving another key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { decodeCanonical, encodeCanonical } from '../../protocol/encoding.js';
import { bytesSchema } from '../../protocol/bytes.js';
import { err, ok, type Result } from '../../shared/result.js';
import { scrypt, SEALING_COST, ScryptCostSchema, type ScryptCost } from './kdf.js';
import { LABEL_RE, type KeySealer } from './sealer.js';

const FORMAT = 'veche/passphrase-sealed/v1';
export const MIN_PASSPHRASE_LENGTH = 12;

const BlobSchema = z.strictObject({
  format: z.literal(FORMAT),
  kdf: z.literal('scrypt'),
  cost: ScryptCostSchema,
  salt: bytesSchema(16),
  aead: z.literal('aes-256-gcm'),
  iv: bytesSchema(12),
  ciphertext: bytesSchema(undefined, 1 << 16),
  tag: bytesSchema(16),
});

export type PassphraseError = { readonly kind: 'weak-passphrase'; readonly minLength: number };

function aad(h: { cost: ScryptCost; salt: Uint8Array; iv: Uint8Array; label: string }): Uint8Array {
  return encodeCanonical({
    format: FORMAT,
    kdf: 'scrypt',
    cost: { N: h.cost.N, r: h.cost.r, p: h.cost.p },
    salt: h.salt,
    aead: 'aes-256-gcm',
    iv: h.iv,
    label: h.label,
  });
}

export function createPassphraseSealer(opts: {
  passphrase: string;
  /** Production cost by default; tests inject TEST_COST. Only sealing uses it: unsealing
   * reads the cost from the blob. */
  cost?: ScryptCost;
}): Result<KeySealer, PassphraseError> {
  // NFC so the same passphrase typed on another keyboard layout derives the same key.
  const normalized = opts.passphrase.normalize('NFC');
  if ([...normalized].length < MIN_PASSPHRASE_LENGTH) {
    return err({ kind: 'weak-passphrase', minLength: MIN_PASSPHRASE_LENGTH });
  }
  const secret = new Uint8Array(Buffer.from(normalized, 'utf8'));
  const sealCost = ScryptCostSchema.parse(opts.cost ?? SEALING_COST);

  return ok({
    kind: 'passphrase',
    async seal(plaintext, label) {
      if (!LABEL_RE.test(label)) throw new TypeError(`bad sealing label ${label}`);
      const salt = new Uint8Array(randomBytes(16));
      const iv = new Uint8Array(randomBytes(12));
      const key = await scrypt(secret, salt, sealCost);
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(aad({ cost: sealCost, salt, iv, label }));
      const ciphertext = new Uint8Array(Buffer.concat([c.update(plaintext), c.final()]));
      key.fill(0);
      return ok(
        encodeCanonical({
          format: FORMAT,
          kdf: 'scrypt',
          cost: { ...sealCost },
          salt,
          aead: 'aes-256-gcm',
          iv,
          ciphertext,
          tag: new Uint8Array(c.getAuthTag()),
        }),
      );
    },
    async unseal(sealed, label) {
      const decoded = decodeCanonical(sealed);
      if (!decoded.ok) return err({ kind: 'malformed', message: decoded.error.kind });
      const blob = BlobSchema.safeParse(decoded.value);
      if (!blob.success) return err({ kind: 'malformed', message: 'not a passphrase-sealed blob' });
      const { cost, salt, iv, ciphertext, tag } = blob.data;
      const key = await scrypt(secret, salt, cost);
      try {
        const d = createDecipheriv('aes-256-gcm', key, iv);
        d.setAAD(aad({ cost, salt, iv, label }));
        d.setAuthTag(tag);
        return ok(new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()])));
      } catch {
        return err({ kind: 'auth-failed' });
      } finally {
        key.fill(0);
      }
    },
  });
}
