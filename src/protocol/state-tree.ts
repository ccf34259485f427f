// The keyed state tree behind appHash: a map from text keys to byte values, committed as an
// RFC 6962 tree over leaves sorted by key (UTF-8 byte order), each leaf the canonical CBOR
// of {key, value}. Sorting makes the root a function of the map, and lets two adjacent
// leaves prove that a key is absent. Items are small (an election, a roll page), so a
// rebuilt tree per block is fine for the devnet; see docs/light-client.md.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { err, ok, type Result } from '../shared/result.js';
import { bytesSchema, compareBytes, equalBytes } from './bytes.js';
import { encodeCanonical } from './encoding.js';
import {
  buildMerkleTree,
  EMPTY_ROOT,
  InclusionProofSchema,
  leafHash,
  verifyInclusion,
  type MerkleProofError,
} from './merkle.js';

export const MAX_STATE_KEY_BYTES = 256;
export const MAX_STATE_VALUE_BYTES = 1 << 20;

export const StateKeySchema = z
  .string()
  .min(1)
  .refine((k) => utf8ToBytes(k).length <= MAX_STATE_KEY_BYTES, 'state key too long');

export interface StateEntry {
  readonly key: string;
  readonly value: Uint8Array;
}

/** The leaf's data: canonical CBOR {key, value}. */
export function encodeStateLeaf(key: string, value: Uint8Array): Uint8Array {
  return encodeCanonical({ key, value });
}

export const StateItemProofSchema = z.strictObject({
  key: StateKeySchema,
  value: bytesSchema(undefined, MAX_STATE_VALUE_BYTES),
  proof: InclusionProofSchema,
});
export type StateItemProof = z.infer<typeof StateItemProofSchema>;

/**
 * Presence: the item and its audit path. Absence: the neighbours around where the key
 * would sort, each with its audit path; an edge of the tree has one neighbour, the empty
 * tree none.
 */
export const StateProofSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('present'), item: StateItemProofSchema }),
  z.strictObject({
    kind: z.literal('absent'),
    key: StateKeySchema,
    size: z.int().nonnegative(),
    left: StateItemProofSchema.nullable(),
    right: StateItemProofSchema.nullable(),
  }),
]);
export type StateProof = z.infer<typeof StateProofSchema>;

export interface StateTree {
  readonly root: Uint8Array;
  readonly size: number;
  get(key: string): Uint8Array | undefined;
  prove(key: string): StateProof;
}

/** Builds the tree. A key given twice is a caller bug: throws. */
export function buildStateTree(entries: Iterable<StateEntry>): StateTree {
  const items = [...entries].map((e) => ({ ...e, keyBytes: utf8ToBytes(e.key) }));
  items.sort((a, b) => compareBytes(a.keyBytes, b.keyBytes));
  items.forEach((it, i) => {
    const prev = items[i - 1];
    if (prev !== undefined && compareBytes(prev.keyBytes, it.keyBytes) === 0) {
      throw new TypeError(`state key ${it.key} given twice`);
    }
  });
  const tree = buildMerkleTree(items.map((it) => leafHash(encodeStateLeaf(it.key, it.value))));
  const index = new Map(items.map((it, i) => [it.key, i]));

  // Binary search for the first item whose key is >= key.
  const lowerBound = (keyBytes: Uint8Array): number => {
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes((items[mid] as (typeof items)[number]).keyBytes, keyBytes) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const itemProof = (i: number): StateItemProof => {
    const it = items[i] as (typeof items)[number];
    return { key: it.key, value: it.value, proof: tree.proof(i) };
  };

  return {
    root: tree.root,
    size: items.length,
    get: (key) => {
      const i = index.get(key);
      return i === undefined ? undefined : items[i]?.value;
    },
    prove: (key) => {
      const i = index.get(key);
      if (i !== undefined) return { kind: 'present', item: itemProof(i) };
      const at = lowerBound(utf8ToBytes(key));
      return {
        kind: 'absent',
        key,
        size: items.length,
        left: at > 0 ? itemProof(at - 1) : null,
        right: at < items.length ? itemProof(at) : null,
      };
    },
  };
}

export type StateProofError =
  | { kind: 'proof-invalid'; which: 'item' | 'left' | 'right'; reason: MerkleProofError }
  | { kind: 'key-mismatch'; expected: string; got: string }
  | { kind: 'neighbours-not-adjacent' }
  | { kind: 'neighbours-do-not-bracket-key' }
  | { kind: 'size-mismatch' };

/**
 * Checks a state proof for `key` against a verified appHash. Returns the value, or null
 * when the key is proven absent.
 */
export function verifyStateProof(
  root: Uint8Array,
  key: string,
  proof: StateProof,
): Result<Uint8Array | null, StateProofError> {
  const checkItem = (
    item: StateItemProof,
    which: 'item' | 'left' | 'right',
  ): Result<void, StateProofError> => {
    const r = verifyInclusion(leafHash(encodeStateLeaf(item.key, item.value)), item.proof, root);
    return r.ok ? r : err({ kind: 'proof-invalid', which, reason: r.error });
  };
  switch (proof.kind) {
    case 'present': {
      if (proof.item.key !== key) {
        return err({ kind: 'key-mismatch', expected: key, got: proof.item.key });
      }
      const r = checkItem(proof.item, 'item');
      return r.ok ? ok(proof.item.value) : r;
    }
    case 'absent': {
      if (proof.key !== key) return err({ kind: 'key-mismatch', expected: key, got: proof.key });
      const { left, right, size } = proof;
      const k = utf8ToBytes(key);
      if (left === null && right === null) {
        // Only the empty tree has no neighbour for a key.
        return size === 0 && equalBytes(root, EMPTY_ROOT)
          ? ok(null)
          : err({ kind: 'neighbours-not-adjacent' });
      }
      if (left !== null) {
        const r = checkItem(left, 'left');
        if (!r.ok) return r;
        if (left.proof.size !== size) return err({ kind: 'size-mismatch' });
        if (compareBytes(utf8ToBytes(left.key), k) >= 0) {
          return err({ kind: 'neighbours-do-not-bracket-key' });
        }
      }
      if (right !== null) {
        const r = checkItem(right, 'right');
        if (!r.ok) return r;
        if (right.proof.size !== size) return err({ kind: 'size-mismatch' });
        if (compareBytes(utf8ToBytes(right.key), k) <= 0) {
          return err({ kind: 'neighbours-do-not-bracket-key' });
        }
      }
      // Positions prove nothing sits between the neighbours: consecutive indices, or the
      // first/last leaf when one side is missing.
      const adjacent =
        left !== null && right !== null
          ? right.proof.index === left.proof.index + 1
          : left !== null
            ? left.proof.index === size - 1
            : right?.proof.index === 0;
      return adjacent ? ok(null) : err({ kind: 'neighbours-not-adjacent' });
    }
  }
}
