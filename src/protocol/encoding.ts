// Canonical encoding for everything that is signed or hashed: deterministic CBOR
// (RFC 8949 §4.2.1 core deterministic encoding) restricted to a small data model, so two
// implementations that agree on the value always agree on the bytes. See docs/protocol.md.
import { decode } from 'cborg';
import { err, ok, type Result } from '../shared/result.js';
import { isCanonicalCbor, writeCanonicalCbor } from './canonical-bytes.js';

/** The data model: no floats, no undefined, integers within the safe range, text map keys. */
export type Canonical =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly Canonical[]
  | { readonly [key: string]: Canonical };

function check(value: unknown, path: string): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new TypeError(`${path}: only safe integers are canonical`);
    return;
  }
  if (value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    // By index, not forEach: a hole (skipped by forEach) is undefined, outside the model.
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === undefined) throw new TypeError(`${path}[${i}]: undefined is not canonical`);
      check(v, `${path}[${i}]`);
    }
    return;
  }
  const proto: unknown = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (typeof value === 'object' && (proto === Object.prototype || proto === null)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) throw new TypeError(`${path}.${k}: undefined is not canonical`);
      check(v, `${path}.${k}`);
    }
    return;
  }
  throw new TypeError(`${path}: ${typeof value} is not part of the canonical data model`);
}

/** Encodes a value; throws on values outside the data model (a bug, not an input error). */
export function encodeCanonical(value: Canonical): Uint8Array {
  check(value, '$');
  return writeCanonicalCbor(value);
}

/** How cborg reads outside bytes: minimal heads, nothing outside the model, no duplicates. */
export const CANONICAL_DECODE_OPTIONS = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true,
  useMaps: false,
} as const;

export type DecodeError = { kind: 'malformed'; message: string } | { kind: 'non-canonical' };

/**
 * Decodes bytes from the outside world. Rejects anything that is not the unique canonical
 * encoding of its value, so a signature can never cover two different byte strings.
 */
export function decodeCanonical(bytes: Uint8Array): Result<Canonical, DecodeError> {
  let value: unknown;
  try {
    value = decode(bytes, CANONICAL_DECODE_OPTIONS);
    check(value, '$');
  } catch (e) {
    return err({ kind: 'malformed', message: e instanceof Error ? e.message : String(e) });
  }
  // The bytes must be the one encoding of that value (canonical-bytes.ts reads it off the
  // bytes; encoding the value again and comparing cost more than the decode itself).
  if (!isCanonicalCbor(bytes)) return err({ kind: 'non-canonical' });
  return ok(value as Canonical);
}
