// RFC 6962 / RFC 9162 Merkle tree hash: the tree shape of dataHash (the ballots of a block),
// validatorsHash and batch receipts. (appHash is a crit-bit trie over the same leaf hashes,
// src/protocol/state-tree.ts: an RFC 6962 tree over sorted keys cannot be updated in
// place.) Leaves are hashed with a 0x00 prefix and interior nodes with 0x01, so a leaf can
// never be passed off as a node (the second-preimage attack on naive trees). The same shape CometBFT and Certificate
// Transparency use, so their published vectors test us. See docs/light-client.md.
import { sha256 } from './sha256.js';
import { z } from 'zod';
import { err, ok, type Result } from '../shared/result.js';
import { equalBytes, Hash32Schema } from './bytes.js';

export const HASH_SIZE = 32;

/** Root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1). */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** MTH({d}) = SHA-256(0x00 ‖ d). */
export function leafHash(data: Uint8Array): Uint8Array {
  const buf = new Uint8Array(data.length + 1);
  buf.set(data, 1);
  return sha256(buf);
}

// One scratch buffer for interior nodes: hashing is synchronous, so reuse is safe and
// saves an allocation per node on the hot path (validator sets are hashed per header).
const nodeScratch = new Uint8Array(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new TypeError('node children must be 32-byte hashes');
  }
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}

/**
 * Root over already-hashed leaves. Bottom-up, carrying an unpaired last node up a level
 * unchanged: this builds exactly the RFC 6962 tree (split at the largest power of two
 * below n) without recursion; the unit tests check it against a literal recursive one.
 */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return EMPTY_ROOT;
  let level: Uint8Array[] = leafHashes.slice();
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i] as Uint8Array;
      const r = level[i + 1];
      next.push(r === undefined ? l : nodeHash(l, r));
    }
    level = next;
  }
  return level[0] as Uint8Array;
}

/** MTH(D[n]) over raw leaf data. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return rootFromLeafHashes(leaves.map(leafHash));
}

/** An audit path (RFC 9162 §2.1.3): sibling hashes from the leaf up to the root. */
export const InclusionProofSchema = z.strictObject({
  index: z.int().nonnegative(),
  size: z.int().positive(),
  path: z.array(Hash32Schema).max(64),
});
export type InclusionProof = z.infer<typeof InclusionProofSchema>;

export type MerkleProofError =
  | { kind: 'index-out-of-range'; index: number; size: number }
  | { kind: 'wrong-path-length'; got: number }
  | { kind: 'bad-hash-length' }
  | { kind: 'root-mismatch' };

/** A tree kept in memory: every level, so each audit path costs O(log n), not O(n). */
export interface MerkleTree {
  readonly root: Uint8Array;
  readonly size: number;
  /** The audit path for leaf `index`; an index outside the tree is a caller bug: throws. */
  proof(index: number): InclusionProof;
}

export function buildMerkleTree(leafHashes: readonly Uint8Array[]): MerkleTree {
  const levels: Uint8Array[][] = [leafHashes.slice()];
  for (let level = levels[0] as Uint8Array[]; level.length > 1;) {
    const next: Uint8Array[] = [];
    for (let j = 0; j < level.length; j += 2) {
      const l = level[j] as Uint8Array;
      const r = level[j + 1];
      next.push(r === undefined ? l : nodeHash(l, r));
    }
    levels.push(next);
    level = next;
  }
  const size = leafHashes.length;
  const top = levels.at(-1)?.[0];
  return {
    root: size === 0 || top === undefined ? EMPTY_ROOT : top,
    size,
    proof(index) {
      if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
        throw new RangeError(`leaf ${index} is outside a tree of ${size}`);
      }
      const path: Uint8Array[] = [];
      let i = index;
      for (const level of levels.slice(0, -1)) {
        // Odd index: the sibling is on the left. Even with a right neighbour: on the right.
        // Even and last: the node is carried up unchanged and adds no path element.
        const sibling = i % 2 === 1 ? level[i - 1] : level[i + 1];
        if (sibling !== undefined) path.push(sibling);
        i = Math.floor(i / 2);
      }
      return { index, size, path };
    },
  };
}

/** The audit path for leaf `index` (builds the tree; use buildMerkleTree for many proofs). */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): InclusionProof {
  return buildMerkleTree(leafHashes).proof(index);
}

/** Recomputes the root from a leaf hash and its audit path (RFC 9162 §2.1.3.2). */
export function rootFromInclusionProof(
  leaf: Uint8Array,
  proof: InclusionProof,
): Result<Uint8Array, MerkleProofError> {
  const { index, size, path } = proof;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return err({ kind: 'index-out-of-range', index, size });
  }
  if (leaf.length !== HASH_SIZE || path.some((p) => p.length !== HASH_SIZE)) {
    return err({ kind: 'bad-hash-length' });
  }
  // Division instead of >>, so sizes beyond 2^31 do not wrap.
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return err({ kind: 'wrong-path-length', got: path.length });
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return err({ kind: 'wrong-path-length', got: path.length });
  return ok(r);
}

/** Checks that `leaf` (a leaf hash) sits at proof.index in the tree of proof.size with `root`. */
export function verifyInclusion(
  leaf: Uint8Array,
  proof: InclusionProof,
  root: Uint8Array,
): Result<void, MerkleProofError> {
  const r = rootFromInclusionProof(leaf, proof);
  if (!r.ok) return r;
  return equalBytes(r.value, root) ? ok(undefined) : err({ kind: 'root-mismatch' });
}

function isPowerOfTwo(n: number): boolean {
  let m = n;
  while (m > 1 && m % 2 === 0) m /= 2;
  return m === 1;
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Consistency proof between the tree of the first `first` leaves and the tree of the first
 * `second` (RFC 9162 §2.1.4.1): the log-style "nothing was rewritten" check.
 */
export function consistencyProof(
  leafHashes: readonly Uint8Array[],
  first: number,
  second: number,
): Uint8Array[] {
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(second))) {
    throw new RangeError('sizes must be integers');
  }
  if (first < 0 || first > second || second > leafHashes.length) {
    throw new RangeError(`no consistency proof from ${first} to ${second}`);
  }
  if (first === 0 || first === second) return [];
  const sub = (m: number, lo: number, hi: number, complete: boolean): Uint8Array[] => {
    const n = hi - lo;
    if (m === n) return complete ? [] : [rootFromLeafHashes(leafHashes.slice(lo, hi))];
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      return [...sub(m, lo, lo + k, complete), rootFromLeafHashes(leafHashes.slice(lo + k, hi))];
    }
    return [...sub(m - k, lo + k, hi, false), rootFromLeafHashes(leafHashes.slice(lo, lo + k))];
  };
  return sub(first, 0, second, true);
}

/** Verifies a consistency proof (RFC 9162 §2.1.4.2). */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): Result<void, MerkleProofError> {
  if (
    !(Number.isSafeInteger(first) && Number.isSafeInteger(second)) ||
    first < 0 ||
    first > second
  ) {
    return err({ kind: 'index-out-of-range', index: first, size: second });
  }
  if (
    firstRoot.length !== HASH_SIZE ||
    secondRoot.length !== HASH_SIZE ||
    proof.some((p) => p.length !== HASH_SIZE)
  ) {
    return err({ kind: 'bad-hash-length' });
  }
  if (first === second || first === 0) {
    if (proof.length !== 0) return err({ kind: 'wrong-path-length', got: proof.length });
    // Every tree extends the empty one; a tree is consistent with itself.
    const expected = first === 0 ? EMPTY_ROOT : secondRoot;
    return equalBytes(firstRoot, expected) ? ok(undefined) : err({ kind: 'root-mismatch' });
  }
  if (proof.length === 0) return err({ kind: 'wrong-path-length', got: 0 });
  let path = proof;
  // A power-of-two first tree is a complete subtree of the second: its root starts the path.
  if (isPowerOfTwo(first)) path = [firstRoot, ...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return err({ kind: 'wrong-path-length', got: proof.length });
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return err({ kind: 'wrong-path-length', got: proof.length });
  return equalBytes(fr, firstRoot) && equalBytes(sr, secondRoot)
    ? ok(undefined)
    : err({ kind: 'root-mismatch' });
}
