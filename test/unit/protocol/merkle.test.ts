import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/protocol/hash.js';
import {
  buildMerkleTree,
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
  type InclusionProof,
} from '../../../src/protocol/merkle.js';

interface Vectors {
  leaves: string[];
  roots: string[];
  inclusion: { index: number; size: number; path: string[] }[];
  consistency: { first: number; second: number; path: string[] }[];
}
const V = JSON.parse(
  readFileSync(new URL('../../vectors/merkle/rfc6962.json', import.meta.url), 'utf8'),
) as Vectors;
const LEAF_HASHES = V.leaves.map((l) => leafHash(fromHex(l)));

// An independent, literal transcription of RFC 6962 §2.1 using node:crypto, to cross-check
// the bottom-up implementation on every tree shape.
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const refLeaf = (d: Uint8Array) => sha(Uint8Array.of(0), d);
const split = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
const refMth = (d: Uint8Array[]): Uint8Array => {
  if (d.length === 0) return sha(new Uint8Array(0));
  if (d.length === 1) return refLeaf(d[0] as Uint8Array);
  const k = split(d.length);
  return sha(Uint8Array.of(1), refMth(d.slice(0, k)), refMth(d.slice(k)));
};
const refPath = (m: number, d: Uint8Array[]): Uint8Array[] => {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), refMth(d.slice(k))]
    : [...refPath(m - k, d.slice(k)), refMth(d.slice(0, k))];
};

const data = (n: number) => Array.from({ length: n }, (_, i) => Uint8Array.of(i, i >> 8, 0x5a));

describe('RFC 6962 reference vectors', () => {
  it('empty tree is sha256("") and roots match for sizes 0..8', () => {
    expect(toHex(EMPTY_ROOT)).toBe(V.roots[0]);
    for (let n = 0; n <= 8; n++) {
      expect(toHex(rootFromLeafHashes(LEAF_HASHES.slice(0, n))), `size ${n}`).toBe(V.roots[n]);
    }
  });

  it('uses the 0x00 leaf and 0x01 node prefixes', () => {
    expect(toHex(leafHash(new Uint8Array(0)))).toBe(V.roots[1]);
    const [a, b] = LEAF_HASHES as [Uint8Array, Uint8Array];
    expect(toHex(nodeHash(a, b))).toBe(V.roots[2]);
  });

  it('generates and verifies the published audit paths', () => {
    for (const v of V.inclusion) {
      const tree = LEAF_HASHES.slice(0, v.size);
      const p = inclusionProof(tree, v.index);
      expect(p.path.map(toHex)).toEqual(v.path);
      const root = fromHex(V.roots[v.size] as string);
      expect(verifyInclusion(tree[v.index] as Uint8Array, p, root).ok).toBe(true);
    }
  });

  it('generates and verifies the published consistency proofs', () => {
    for (const v of V.consistency) {
      expect(consistencyProof(LEAF_HASHES, v.first, v.second).map(toHex)).toEqual(v.path);
      const r1 = fromHex(V.roots[v.first] as string);
      const r2 = fromHex(V.roots[v.second] as string);
      expect(verifyConsistency(v.first, v.second, r1, r2, v.path.map(fromHex)).ok).toBe(true);
      expect(verifyConsistency(v.first, v.second, r2, r1, v.path.map(fromHex)).ok).toBe(false);
    }
  });
});

describe('against the recursive reference', () => {
  it('roots and audit paths agree for every size up to 70', () => {
    for (let n = 0; n <= 70; n++) {
      const d = data(n);
      expect(toHex(merkleRoot(d)), `root ${n}`).toBe(toHex(refMth(d)));
      const hashes = d.map(leafHash);
      for (let i = 0; i < n; i++) {
        expect(inclusionProof(hashes, i).path.map(toHex), `path ${i}/${n}`).toEqual(
          refPath(i, d).map(toHex),
        );
      }
    }
  });
});

describe('buildMerkleTree', () => {
  it('keeps the levels: same root, every proof of a 4096-leaf tree verifies', () => {
    const hashes = data(4096).map(leafHash);
    const tree = buildMerkleTree(hashes);
    expect(toHex(tree.root)).toBe(toHex(rootFromLeafHashes(hashes)));
    expect(toHex(buildMerkleTree([]).root)).toBe(toHex(EMPTY_ROOT));
    for (let i = 0; i < hashes.length; i++) {
      const p = tree.proof(i);
      expect(p.path.length).toBe(12);
      if (!verifyInclusion(hashes[i] as Uint8Array, p, tree.root).ok) throw new Error(`leaf ${i}`);
    }
    expect(() => tree.proof(4096)).toThrow(RangeError);
  });
});

describe('inclusion proofs', () => {
  const N = 40;
  const hashes = data(N).map(leafHash);
  const roots = Array.from({ length: N + 1 }, (_, n) => rootFromLeafHashes(hashes.slice(0, n)));

  it('every leaf verifies in every size; wrong index, size, leaf or length does not', () => {
    for (let n = 1; n <= N; n++) {
      const tree = hashes.slice(0, n);
      const root = roots[n] as Uint8Array;
      for (let i = 0; i < n; i++) {
        const p = inclusionProof(tree, i);
        const leaf = tree[i] as Uint8Array;
        expect(verifyInclusion(leaf, p, root)).toEqual({ ok: true, value: undefined });
        if (n > 1) {
          const other = tree[(i + 1) % n] as Uint8Array;
          expect(verifyInclusion(other, p, root).ok).toBe(false);
          expect(verifyInclusion(leaf, { ...p, index: (i + 1) % n }, root).ok).toBe(false);
        }
        // A claimed size must match the root it is checked against (that of the claimed size).
        if (n < N) {
          expect(verifyInclusion(leaf, { ...p, size: n + 1 }, roots[n + 1] as Uint8Array).ok).toBe(
            false,
          );
        }
        if (n > 1) {
          expect(verifyInclusion(leaf, { ...p, size: n - 1 }, roots[n - 1] as Uint8Array).ok).toBe(
            false,
          );
        }
        expect(verifyInclusion(leaf, { ...p, index: n }, root)).toEqual({
          ok: false,
          error: { kind: 'index-out-of-range', index: n, size: n },
        });
        expect(verifyInclusion(leaf, { ...p, path: [...p.path, leaf] }, root).ok).toBe(false);
        if (p.path.length > 0) {
          expect(verifyInclusion(leaf, { ...p, path: p.path.slice(1) }, root).ok).toBe(false);
        }
      }
    }
  });

  it('any single bit flip in the leaf, path or root breaks the proof (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: N })
          .chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.nat(), fc.nat(255))),
        ([n, i, where, bit]) => {
          const tree = hashes.slice(0, n);
          const p = inclusionProof(tree, i);
          const leaf = Uint8Array.from(tree[i] as Uint8Array);
          const root = Uint8Array.from(roots[n] as Uint8Array);
          const targets: Uint8Array[] = [leaf, root, ...p.path.map((x) => Uint8Array.from(x))];
          const t = targets[where % targets.length] as Uint8Array;
          t[bit % 32] = (t[bit % 32] as number) ^ (1 << (bit % 8));
          const proof: InclusionProof = { ...p, path: targets.slice(2) };
          expect(verifyInclusion(leaf, proof, root).ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses short hashes and throws on a leaf outside the tree', () => {
    const p = inclusionProof(hashes.slice(0, 8), 3);
    expect(verifyInclusion(new Uint8Array(31), p, roots[8] as Uint8Array)).toEqual({
      ok: false,
      error: { kind: 'bad-hash-length' },
    });
    expect(() => inclusionProof(hashes.slice(0, 8), 8)).toThrow(RangeError);
    expect(() => inclusionProof([], 0)).toThrow(RangeError);
  });
});

describe('consistency proofs', () => {
  const N = 40;
  const hashes = data(N).map(leafHash);
  const roots = Array.from({ length: N + 1 }, (_, n) => rootFromLeafHashes(hashes.slice(0, n)));

  it('every pair verifies; mangled, truncated or mismatched proofs do not', () => {
    for (let second = 0; second <= N; second++) {
      for (let first = 0; first <= second; first++) {
        const r1 = roots[first] as Uint8Array;
        const r2 = roots[second] as Uint8Array;
        const p = consistencyProof(hashes, first, second);
        expect(verifyConsistency(first, second, r1, r2, p).ok, `${first}->${second}`).toBe(true);
        if (p.length > 0) {
          const flipped = p.map((x) => Uint8Array.from(x));
          const f0 = flipped[0] as Uint8Array;
          f0[0] = (f0[0] as number) ^ 1;
          expect(verifyConsistency(first, second, r1, r2, flipped).ok).toBe(false);
          expect(verifyConsistency(first, second, r1, r2, p.slice(0, -1)).ok).toBe(false);
          expect(verifyConsistency(first, second, r1, r2, [...p, r1]).ok).toBe(false);
        }
        if (first > 0 && first < second) {
          expect(verifyConsistency(first, second, roots[first - 1] as Uint8Array, r2, p).ok).toBe(
            false,
          );
        }
      }
    }
  });
});
