import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { toHex } from '../../../src/protocol/hash.js';
import { EMPTY_ROOT, leafHash, rootFromLeafHashes } from '../../../src/protocol/merkle.js';
import {
  buildStateTree,
  encodeStateLeaf,
  StateProofSchema,
  verifyStateProof,
  type StateProof,
} from '../../../src/protocol/state-tree.js';
import { encodeCanonical } from '../../../src/protocol/encoding.js';

const v = (s: string) => utf8ToBytes(s);
const entries = [
  { key: 'election/2', value: v('e2') },
  { key: 'election/10', value: v('e10') },
  { key: 'roll/minsk-1', value: v('roll') },
  { key: 'kiosk/7', value: v('k7') },
];

describe('state tree', () => {
  const tree = buildStateTree(entries);

  it('commits to sorted canonical {key, value} leaves, independent of input order', () => {
    const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : 1));
    const expected = rootFromLeafHashes(
      sorted.map((e) => leafHash(encodeStateLeaf(e.key, e.value))),
    );
    expect(toHex(tree.root)).toBe(toHex(expected));
    expect(toHex(buildStateTree([...entries].reverse()).root)).toBe(toHex(tree.root));
    expect(encodeStateLeaf('a', v('b'))).toEqual(encodeCanonical({ key: 'a', value: v('b') }));
    expect(toHex(buildStateTree([]).root)).toBe(toHex(EMPTY_ROOT));
  });

  it('throws on a duplicated key', () => {
    expect(() => buildStateTree([...entries, { key: 'kiosk/7', value: v('x') }])).toThrow(
      TypeError,
    );
  });

  it('proves presence, and a tampered value or wrong key fails', () => {
    for (const e of entries) {
      const p = tree.prove(e.key);
      expect(p.kind).toBe('present');
      expect(verifyStateProof(tree.root, e.key, p)).toEqual({ ok: true, value: e.value });
      if (p.kind !== 'present') throw new Error('unreachable');
      const bad: StateProof = { ...p, item: { ...p.item, value: v('forged') } };
      expect(verifyStateProof(tree.root, e.key, bad).ok).toBe(false);
      expect(verifyStateProof(tree.root, 'other', p)).toMatchObject({
        ok: false,
        error: { kind: 'key-mismatch' },
      });
    }
  });

  it('proves absence between, before and after the keys, and in the empty tree', () => {
    for (const k of ['election/1', 'election/3', 'a', 'zzz', 'kiosk/70']) {
      const p = tree.prove(k);
      expect(p.kind).toBe('absent');
      expect(verifyStateProof(tree.root, k, p)).toEqual({ ok: true, value: null });
    }
    const empty = buildStateTree([]);
    expect(verifyStateProof(empty.root, 'x', empty.prove('x'))).toEqual({ ok: true, value: null });
    // The same empty proof is no good against a non-empty root.
    expect(verifyStateProof(tree.root, 'x', empty.prove('x')).ok).toBe(false);
  });

  it('refuses absence claims for a present key, or with neighbours that skip an item', () => {
    // Present key 'kiosk/7': pretend it is absent using its own neighbours.
    const before = tree.prove('kiosk/6');
    const after = tree.prove('kiosk/8');
    if (before.kind !== 'absent' || after.kind !== 'absent') throw new Error('unreachable');
    const claim: StateProof = {
      kind: 'absent',
      key: 'kiosk/7',
      size: tree.size,
      left: before.left,
      right: after.right,
    };
    expect(verifyStateProof(tree.root, 'kiosk/7', claim)).toEqual({
      ok: false,
      error: { kind: 'neighbours-not-adjacent' },
    });
    // Neighbours that do not bracket the key.
    const wrongSide: StateProof = { ...before, key: 'zzz' };
    expect(verifyStateProof(tree.root, 'zzz', wrongSide)).toEqual({
      ok: false,
      error: { kind: 'neighbours-do-not-bracket-key' },
    });
    // Dropping a neighbour in the middle of the tree.
    const oneSided: StateProof = { ...before, right: null };
    expect(verifyStateProof(tree.root, 'kiosk/6', oneSided).ok).toBe(false);
  });

  it('orders keys by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF5E sorts after U+1F600 in UTF-16 but before it in UTF-8.
    const t = buildStateTree([
      { key: '\u{1F600}', value: v('emoji') },
      { key: '\uFF5E', value: v('tilde') },
    ]);
    const p = t.prove('\uFF5E');
    if (p.kind !== 'present') throw new Error('unreachable');
    expect(p.item.proof.index).toBe(0);
  });

  it('every key verifies and every other key is proven absent (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 30 }),
        fc.array(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 10 }),
        (keys, queries) => {
          const t = buildStateTree(keys.map((k) => ({ key: k, value: v(`v:${k}`) })));
          for (const q of [...keys, ...queries]) {
            const p = t.prove(q);
            // Proofs survive the wire schema.
            expect(StateProofSchema.safeParse(p).success).toBe(true);
            const r = verifyStateProof(t.root, q, p);
            expect(r).toEqual({ ok: true, value: keys.includes(q) ? v(`v:${q}`) : null });
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
