// Byte-string helpers shared by the protocol's wire schemas. Byte strings travel as CBOR
// byte strings, so after decodeCanonical they are Uint8Array and zod only checks lengths.
import { z } from 'zod';

/** A zod schema for a byte string of exactly `length` bytes (or any length when omitted). */
export function bytesSchema(length?: number, maxLength = 1 << 20) {
  return z.custom<Uint8Array>(
    (v) =>
      v instanceof Uint8Array &&
      (length === undefined ? v.length <= maxLength : v.length === length),
    {
      message:
        length === undefined
          ? `expected a byte string of at most ${maxLength} bytes`
          : `expected a byte string of ${length} bytes`,
    },
  );
}

/** 32-byte digest (SHA-256, Merkle roots, block ids). */
export const Hash32Schema = bytesSchema(32);

/** Constant-structure equality; not constant-time (nothing here compares secrets). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte order: negative, zero or positive like Array.prototype.sort expects. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
