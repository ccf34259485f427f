// Schnorr proof of knowledge of a discrete log to base G, bound to a context. Guardians use
// it to prove they know every coefficient they commit to (so no guardian can pick its key
// share as a function of the others' and cancel them out).
import { TAG } from '../protocol/hash.js';
import { err, ok, type Result } from '../shared/result.js';
import {
  encodePoint,
  encodeScalar,
  G,
  mod,
  mulFixed,
  mulPublic,
  taggedScalar,
  type Point,
} from './group.js';

export interface SchnorrProof {
  c: bigint;
  v: bigint;
}

function challenge(context: Uint8Array[], C: Uint8Array, h: Uint8Array): bigint {
  return taggedScalar(TAG.guardianKeyProof, ...context, encodePoint(G), C, h);
}

/** Proves knowledge of a with C = a·G; u is a fresh secret nonce. */
export function proveSchnorr(a: bigint, C: Point, u: bigint, context: Uint8Array[]): SchnorrProof {
  const h = mulFixed(G, u);
  const c = challenge(context, encodePoint(C), encodePoint(h));
  return { c, v: mod(u + c * a) };
}

export function verifySchnorr(
  C: Point,
  proof: SchnorrProof,
  context: Uint8Array[],
): Result<void, { kind: 'bad-proof' }> {
  const h = mulPublic(G, proof.v).subtract(mulPublic(C, proof.c));
  const c = challenge(context, encodePoint(C), encodePoint(h));
  return c === proof.c ? ok(undefined) : err({ kind: 'bad-proof' });
}

export const schnorrToHex = (p: SchnorrProof) => ({
  c: Buffer.from(encodeScalar(p.c)).toString('hex'),
  v: Buffer.from(encodeScalar(p.v)).toString('hex'),
});
