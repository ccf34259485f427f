import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TAG, taggedHash } from '../../../src/protocol/hash.js';
import { buildMerkleTree, leafHash, verifyInclusion } from '../../../src/protocol/merkle.js';
import { inclusionHolds, txIdOf, txLeafHash } from '../../../src/sync/tx-hash.js';

describe('native transaction hashes', () => {
  it('equal the protocol definitions for empty, small and ballot-sized transactions', () => {
    for (const n of [0, 1, 55, 64, 3300, 70_000]) {
      const tx = new Uint8Array(randomBytes(n));
      expect(txIdOf(tx)).toEqual(taggedHash(TAG.devnetTxId, tx));
      expect(txLeafHash(tx)).toEqual(leafHash(tx));
    }
    // A view into a larger buffer hashes only its own bytes.
    const big = new Uint8Array(randomBytes(100));
    const view = big.subarray(10, 40);
    expect(txIdOf(view)).toEqual(taggedHash(TAG.devnetTxId, view.slice()));
    expect(txLeafHash(view)).toEqual(leafHash(view.slice()));
  });

  it('decide inclusion exactly as verifyInclusion does, for honest and damaged proofs', () => {
    let checked = 0;
    for (const n of [1, 2, 3, 5, 7, 8, 13, 64, 100]) {
      const leaves = Array.from({ length: n }, (_, i) => txLeafHash(new Uint8Array([i, n])));
      const tree = buildMerkleTree(leaves);
      for (let i = 0; i < n; i++) {
        const leaf = leaves[i] as Uint8Array;
        const p = tree.proof(i);
        const variants = [
          p,
          { ...p, index: (i + 1) % n },
          { ...p, size: n + 1 },
          { ...p, path: p.path.slice(1) },
          { ...p, path: [...p.path, leaf] },
          { ...p, path: p.path.map((x, j) => (j === 0 ? leaf : x)) },
          { ...p, index: -1 },
        ];
        for (const v of variants) {
          const want = verifyInclusion(leaf, v, tree.root).ok;
          expect(inclusionHolds(leaf, v, tree.root)).toBe(want);
          checked++;
        }
        expect(inclusionHolds(leaf, p, tree.root)).toBe(true);
        expect(inclusionHolds(leaves[(i + 1) % n] as Uint8Array, p, tree.root)).toBe(n === 1);
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
