// The group every ballot computation lives in: ristretto255 (RFC 9496), prime order, with a
// canonical 32-byte encoding for points and little-endian 32-byte encoding for scalars.
// All scalar multiplications go through this module so a test and the bench can count them.
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { err, ok, type Result } from '../shared/result.js';

export const Point = ristretto255.Point;
export type Point = InstanceType<typeof ristretto255.Point>;
export const ORDER: bigint = Point.Fn.ORDER;

/** Window of the fixed-base tables for G and the election key K (noble's wNAF tables). */
const FIXED_WINDOW = 8;

/**
 * Operation counters. Plain integers on a hot path cost nothing measurable, and they let a
 * test prove the analytic multiplication count the bench divides by.
 */
export const opCounts = { fixedBase: 0, variableBase: 0, encodings: 0 };
export function resetOpCounts(): void {
  opCounts.fixedBase = 0;
  opCounts.variableBase = 0;
  opCounts.encodings = 0;
}

/** The hash-to-curve suite of RFC 9380 appendix B (ristretto255_XMD:SHA-512_R255MAP_RO_). */
export const GENERATOR_DST = 'veche/generator/v1';

/** Derives a generator by hash-to-curve, so nobody knows its discrete log to any other. */
export function deriveGenerator(name: string): Point {
  return ristretto255_hasher.hashToCurve(utf8ToBytes(name), { DST: GENERATOR_DST });
}

/** G: the generator of every ElGamal ciphertext and key. Recomputed, never trusted from input. */
export const G: Point = deriveGenerator('G').precompute(FIXED_WINDOW, false);

/** 1/2 mod ℓ: the prover works with halves of points so it can encode doubles in batches. */
export const HALF: bigint = Point.Fn.inv(2n);

/** G/2 with its own table: the prover's base (see encode-batch.ts). */
export const G_HALF: Point = G.multiplyUnsafe(HALF).precompute(FIXED_WINDOW, false);

/** A point that is multiplied by secrets many times (the election key K) gets its own table. */
export function fixedBase(p: Point): Point {
  // A fresh instance, so the cache of noble's tables is owned by this holder.
  return Point.fromBytes(p.toBytes()).precompute(FIXED_WINDOW, false);
}

/** Constant-time multiplication by a secret scalar of a point that has a fixed-base table. */
export function mulFixed(base: Point, s: bigint): Point {
  opCounts.fixedBase++;
  return s === 0n ? Point.ZERO : base.multiply(s);
}

/** Constant-time multiplication of a one-off point (no table) by a secret scalar. */
export function mulSecret(base: Point, s: bigint): Point {
  opCounts.variableBase++;
  return s === 0n || base.is0() ? Point.ZERO : base.multiply(s);
}

/** Variable-time multiplication for public verification; secrets never go through here. */
export function mulPublic(base: Point, s: bigint): Point {
  opCounts.variableBase++;
  return s === 0n ? Point.ZERO : base.multiplyUnsafe(s);
}

/** Small multiples d·P for |d| ≤ a few, by additions (not counted as a multiplication). */
export function mulSmall(p: Point, d: number): Point {
  let acc = Point.ZERO;
  const n = Math.abs(d);
  for (let i = 0; i < n; i++) acc = acc.add(p);
  return d < 0 ? acc.negate() : acc;
}

/** Table of j·G for 0 ≤ j ≤ max, shared by every ballot (values are at most R or k). */
const smallG: Point[] = [Point.ZERO];
export function smallMultipleOfG(j: number): Point {
  if (!Number.isSafeInteger(j) || j < 0 || j > 1 << 16)
    throw new RangeError(`bad small multiple ${j}`);
  while (smallG.length <= j) smallG.push((smallG[smallG.length - 1] ?? Point.ZERO).add(G));
  const p = smallG[j];
  if (!p) throw new Error('unreachable');
  return p;
}

/** Table of j·(G/2), the prover's counterpart of smallMultipleOfG. */
const smallGHalf: Point[] = [Point.ZERO];
export function smallMultipleOfGHalf(j: number): Point {
  if (!Number.isSafeInteger(j) || j < 0 || j > 1 << 16)
    throw new RangeError(`bad small multiple ${j}`);
  while (smallGHalf.length <= j)
    smallGHalf.push((smallGHalf[smallGHalf.length - 1] ?? Point.ZERO).add(G_HALF));
  const p = smallGHalf[j];
  if (!p) throw new Error('unreachable');
  return p;
}

export function encodePoint(p: Point): Uint8Array {
  opCounts.encodings++;
  return p.toBytes();
}

export type GroupError = { kind: 'bad-point' } | { kind: 'bad-scalar' };

/**
 * Decodes a point from the outside world. Ristretto decoding itself rejects non-canonical
 * encodings and anything outside the prime-order group; the identity is refused because no
 * honest ciphertext or key ever contains it.
 */
export function decodePoint(bytes: Uint8Array): Result<Point, GroupError> {
  if (bytes.length !== 32) return err({ kind: 'bad-point' });
  try {
    const p = Point.fromBytes(bytes);
    if (p.is0()) return err({ kind: 'bad-point' });
    return ok(p);
  } catch {
    return err({ kind: 'bad-point' });
  }
}

export function encodeScalar(s: bigint): Uint8Array {
  if (s < 0n || s >= ORDER) throw new RangeError('scalar out of range');
  return bigTo32LE(s);
}

/** 32 bytes little-endian of 0 ≤ x < 2^256 (one hex conversion; this is on the sealing path). */
export function bigTo32LE(x: bigint): Uint8Array {
  return new Uint8Array(Buffer.from(x.toString(16).padStart(64, '0'), 'hex').reverse());
}

/** Little-endian 32 bytes, strictly below the group order (one encoding per scalar). */
export function decodeScalar(bytes: Uint8Array): Result<bigint, GroupError> {
  if (bytes.length !== 32) return err({ kind: 'bad-scalar' });
  const s = bytesToBigLE(bytes);
  return s < ORDER ? ok(s) : err({ kind: 'bad-scalar' });
}

function bytesToBigLE(bytes: Uint8Array): bigint {
  // One BigInt parse instead of a shift per byte: this sits on the nonce-derivation path.
  const hex = Buffer.from(bytes).reverse().toString('hex');
  return hex.length === 0 ? 0n : BigInt('0x' + hex);
}

export const mod = (a: bigint): bigint => {
  const r = a % ORDER;
  return r < 0n ? r + ORDER : r;
};

export function u32(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`not a u32: ${n}`);
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/**
 * A scalar from a domain-separated hash: the framing of taggedHash (4-byte big-endian
 * lengths before the tag and every part) over SHA-512, read little-endian and reduced mod the
 * group order. 512 bits make the reduction bias negligible, which matters for nonces.
 */
export function taggedScalar(tag: string, ...parts: Uint8Array[]): bigint {
  return taggedScalarPrefix(tag, ...parts)();
}

/**
 * taggedScalar with a common prefix of parts absorbed once: the returned function appends the
 * remaining parts. Same output as taggedScalar(tag, ...prefix, ...rest).
 */
export function taggedScalarPrefix(
  tag: string,
  ...prefix: Uint8Array[]
): (...rest: Uint8Array[]) => bigint {
  const h = sha512.create();
  const t = utf8ToBytes(tag);
  h.update(u32(t.length)).update(t);
  for (const p of prefix) h.update(u32(p.length)).update(p);
  return (...rest) => {
    const c = h.clone();
    for (const p of rest) c.update(u32(p.length)).update(p);
    return mod(bytesToBigLE(c.digest()));
  };
}

/** A uniformly random scalar (non-zero) from the platform CSPRNG. */
export function randomScalar(): bigint {
  for (;;) {
    const s = mod(bytesToBigLE(crypto.getRandomValues(new Uint8Array(64))));
    if (s !== 0n) return s;
  }
}

export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return d === 0;
}
