// The kiosk's own keys, generated on the kiosk and never leaving it in the clear:
// - an Ed25519 signing key (ballot envelopes, exports, the enrollment request);
// - an X25519 key the authority seals the roll secret to (provisioning bundle).
// Two keys rather than one converted key, so an ECDH oracle on one can never touch the
// other's signatures. Both live in one file: public halves in the clear (so status screens
// and the enrollment can show the fingerprint without unsealing), secret halves sealed by a
// KeySealer. The libp2p transport key is separate on purpose (src/net/keys.ts).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { x25519 } from '@noble/curves/ed25519.js';
import { z } from 'zod';
import { bytesSchema } from '../../protocol/bytes.js';
import { ed25519SignerFromSeed, type Ed25519Signer } from '../../protocol/ed25519.js';
import { decodeCanonical, encodeCanonical } from '../../protocol/encoding.js';
import { taggedHash, toHex } from '../../protocol/hash.js';
import { err, ok, type Result } from '../../shared/result.js';
import { readFileIfExists, wipeFile, writeFileAtomic, type FileError } from './atomic-file.js';
import type { KeySealer, SealError, SealerKind, UnsealError } from './sealer.js';

export const KIOSK_KEY_FILE = 'kiosk-key.cbor';
const FORMAT = 'veche/kiosk-key/v1';
const SEAL_LABEL = 'veche-kiosk-key';
const FINGERPRINT_TAG = 'veche/kiosk-key-fingerprint/v1';

const FileSchema = z.strictObject({
  format: z.literal(FORMAT),
  sealer: z.enum(['passphrase', 'systemd-creds']),
  signingKey: bytesSchema(32),
  boxKey: bytesSchema(32),
  sealed: bytesSchema(undefined, 1 << 16),
});
const SecretSchema = z.strictObject({
  ed25519Seed: bytesSchema(32),
  x25519Secret: bytesSchema(32),
});

export interface KioskKeyInfo {
  readonly sealer: SealerKind;
  /** Ed25519 public key: the kiosk's identity on chain. */
  readonly signingKey: Uint8Array;
  /** X25519 public key: what the authority seals the roll secret to. */
  readonly boxKey: Uint8Array;
  /** 16 hex digits; what audit entries and screens show. */
  readonly fingerprint: string;
}

export interface KioskKeys extends KioskKeyInfo {
  /** Shaped like the store's ExportSigner. */
  readonly signer: Ed25519Signer;
  /** X25519 with the kiosk's box secret; null for a low-order peer key (all-zero output). */
  agree(peerPublicKey: Uint8Array): Uint8Array | null;
}

export type KioskKeyError =
  | FileError
  | SealError
  | UnsealError
  | { readonly kind: 'missing' }
  | { readonly kind: 'exists' }
  | { readonly kind: 'corrupt'; readonly message: string }
  | { readonly kind: 'sealer-mismatch'; readonly expected: SealerKind; readonly got: SealerKind }
  /** The sealed secrets do not belong to the public keys beside them. */
  | { readonly kind: 'key-mismatch' };

export function keyFingerprint(signingKey: Uint8Array): string {
  return toHex(taggedHash(FINGERPRINT_TAG, signingKey)).slice(0, 16);
}

function build(sealer: SealerKind, ed25519Seed: Uint8Array, x25519Secret: Uint8Array): KioskKeys {
  const signer = ed25519SignerFromSeed(ed25519Seed);
  const boxKey = x25519.getPublicKey(x25519Secret);
  // Keep a private copy: the caller zeroes its buffers.
  const secret = new Uint8Array(x25519Secret);
  return {
    sealer,
    signingKey: signer.publicKey,
    boxKey,
    fingerprint: keyFingerprint(signer.publicKey),
    signer,
    agree(peer) {
      if (peer.length !== 32) return null;
      try {
        return x25519.getSharedSecret(secret, peer);
      } catch {
        // noble refuses low-order points (the all-zero shared secret).
        return null;
      }
    },
  };
}

/** The public half of the key file, without unsealing. */
export async function readKioskKeyInfo(path: string): Promise<Result<KioskKeyInfo, KioskKeyError>> {
  const raw = await readFileIfExists(path);
  if (!raw.ok) return raw;
  if (raw.value === null) return err({ kind: 'missing' });
  const decoded = decodeCanonical(raw.value);
  if (!decoded.ok) return err({ kind: 'corrupt', message: decoded.error.kind });
  const f = FileSchema.safeParse(decoded.value);
  if (!f.success) return err({ kind: 'corrupt', message: 'not a kiosk key file' });
  return ok({
    sealer: f.data.sealer,
    signingKey: f.data.signingKey,
    boxKey: f.data.boxKey,
    fingerprint: keyFingerprint(f.data.signingKey),
  });
}

/**
 * Generates both keys on this machine, seals them and writes the file (0600, atomically).
 * Refuses to replace an existing key: the queue's ballots are signed by it, and a new key is
 * a new kiosk identity the chain does not know.
 */
export async function createKioskKey(opts: {
  path: string;
  sealer: KeySealer;
}): Promise<Result<KioskKeys, KioskKeyError>> {
  const existing = await readFileIfExists(opts.path);
  if (!existing.ok) return existing;
  if (existing.value !== null) return err({ kind: 'exists' });

  const ed25519Seed = new Uint8Array(randomBytes(32));
  const x25519Secret = x25519.utils.randomSecretKey();
  const keys = build(opts.sealer.kind, ed25519Seed, x25519Secret);
  const plain = encodeCanonical({ ed25519Seed, x25519Secret });
  const sealed = await opts.sealer.seal(plain, SEAL_LABEL);
  plain.fill(0);
  ed25519Seed.fill(0);
  x25519Secret.fill(0);
  if (!sealed.ok) return sealed;
  const file = encodeCanonical({
    format: FORMAT,
    sealer: opts.sealer.kind,
    signingKey: keys.signingKey,
    boxKey: keys.boxKey,
    sealed: sealed.value,
  });
  const w = await writeFileAtomic(opts.path, file);
  if (!w.ok) return w;
  return ok(keys);
}

/** Unseals the key file. Every failure is a value: the host shows staff which one. */
export async function loadKioskKey(opts: {
  path: string;
  sealer: KeySealer;
}): Promise<Result<KioskKeys, KioskKeyError>> {
  const raw = await readFileIfExists(opts.path);
  if (!raw.ok) return raw;
  if (raw.value === null) return err({ kind: 'missing' });
  const decoded = decodeCanonical(raw.value);
  if (!decoded.ok) return err({ kind: 'corrupt', message: decoded.error.kind });
  const f = FileSchema.safeParse(decoded.value);
  if (!f.success) return err({ kind: 'corrupt', message: 'not a kiosk key file' });
  if (f.data.sealer !== opts.sealer.kind) {
    return err({ kind: 'sealer-mismatch', expected: f.data.sealer, got: opts.sealer.kind });
  }
  const plain = await opts.sealer.unseal(f.data.sealed, SEAL_LABEL);
  if (!plain.ok) return plain;
  const d = decodeCanonical(plain.value);
  plain.value.fill(0);
  const s = d.ok ? SecretSchema.safeParse(d.value) : undefined;
  if (s === undefined || !s.success) return err({ kind: 'corrupt', message: 'sealed content' });
  const keys = build(f.data.sealer, s.data.ed25519Seed, s.data.x25519Secret);
  s.data.ed25519Seed.fill(0);
  s.data.x25519Secret.fill(0);
  // The clear public keys are what the enrollment showed; a swapped file must not pass.
  if (
    !timingSafeEqual(keys.signingKey, f.data.signingKey) ||
    !timingSafeEqual(keys.boxKey, f.data.boxKey)
  ) {
    return err({ kind: 'key-mismatch' });
  }
  return ok(keys);
}

/** Overwrites and removes the key file (decommissioning). Limits on flash: atomic-file.ts. */
export async function wipeKioskKey(
  path: string,
): Promise<Result<{ existed: boolean }, KioskKeyError>> {
  return wipeFile(path);
}
