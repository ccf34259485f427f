// Ed25519 over node:crypto (OpenSSL): about 20x faster than pure JS on the kiosk's CPU, and
// header verification is dominated by it. RFC 8032 signatures are deterministic, so these
// are byte-identical to @noble/curves' (a unit test checks). Raw 32-byte keys are the wire
// form; KeyObjects are built once per key and cached, because importing costs ~5 us.
import {
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';

export const PUBLIC_KEY_SIZE = 32;
export const SEED_SIZE = 32;
export const SIGNATURE_SIZE = 64;

// Bounded: a hostile peer can make us look at many keys. When full, start over; validator
// sets are small, so the working set refills in one header.
const MAX_CACHED_KEYS = 4096;
const publicKeys = new Map<string, KeyObject | null>();

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** The KeyObject for a raw public key, or null when the bytes are not a usable key. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject | null {
  if (raw.length !== PUBLIC_KEY_SIZE) return null;
  const id = b64url(raw);
  const hit = publicKeys.get(id);
  if (hit !== undefined) return hit;
  let key: KeyObject | null;
  try {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: id }, format: 'jwk' });
  } catch {
    key = null;
  }
  if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.clear();
  publicKeys.set(id, key);
  return key;
}

/** RFC 8032 verification; any malformed input is simply "not valid". */
export function verifyEd25519(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (signature.length !== SIGNATURE_SIZE) return false;
  const key = ed25519PublicKey(publicKey);
  if (key === null) return false;
  try {
    return nodeVerify(null, message, key, signature);
  } catch {
    return false;
  }
}

export interface Ed25519Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): fixed 16-byte prefix.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A signer from a 32-byte seed (the RFC 8032 private key). */
export function ed25519SignerFromSeed(seed: Uint8Array): Ed25519Signer {
  if (seed.length !== SEED_SIZE) throw new TypeError('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('node:crypto returned no public key');
  const publicKey = new Uint8Array(Buffer.from(jwk.x, 'base64url'));
  return {
    publicKey,
    sign: (message) => new Uint8Array(nodeSign(null, message, privateKey)),
  };
}

/** A fresh random seed (for the devnet and tests; kiosks generate keys in provisioning). */
export function generateEd25519Seed(): Uint8Array {
  return new Uint8Array(randomBytes(SEED_SIZE));
}
