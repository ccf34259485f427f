import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { compareBytes } from '../../../src/protocol/bytes.js';
import { encodeCanonical } from '../../../src/protocol/encoding.js';
import { toHex } from '../../../src/protocol/hash.js';
import { EMPTY_ROOT, leafHash } from '../../../src/protocol/merkle.js';
import {
  buildStateTree,
  critBit,
  encodeStateLeaf,
  innerHash,
  keyBit,
  keyBytes,
  MAX_STATE_PATH,
  StateKeySchema,
  StateProofSchema,
  verifyPrefixComplete,
  verifyPrefixCompleteSorted,
  verifyPrefixCompleteGrouped,
  foldSubtrees,
  subPrefixOf,
  ROOT_STEP,
  compareKeys,
  verifyPrefixDigest,
  verifyPrefixEmpty,
  verifyStateProof,
  type StateEntry,
  type StateItemProof,
  type StateProof,
} from '../../../src/protocol/state-tree.js';

const v = (s: string) => utf8ToBytes(s);
const entries = [
  { key: 'election/2', value: v('e2') },
  { key: 'election/10', value: v('e10') },
  { key: 'roll/minsk-1', value: v('roll') },
  { key: 'kiosk/7', value: v('k7') },
];
const leafOf = (e: StateEntry) => leafHash(encodeStateLeaf(e.key, e.value));
const bits = (k: string, n: number) =>
  Array.from({ length: n }, (_, i) => keyBit(utf8ToBytes(k), i)).join('');

function present(p: StateProof): StateItemProof {
  if (p.kind !== 'present') throw new Error(`expected a presence proof, got ${p.kind}`);
  return p.item;
}
function absentLeaf(p: StateProof): StateItemProof {
  if (p.kind !== 'absent' || p.leaf === null) throw new Error('expected an absence proof');
  return p.leaf;
}

// Keys drawn from a small alphabet (so many share prefixes and some are prefixes of
// others), with non-ASCII and astral characters among them.
const keyArb = fc
  .array(fc.constantFrom('a', 'b', '/', 'é', 'ж', '\u{1F600}', '\uFF5E', '\0'), {
    minLength: 1,
    maxLength: 5,
  })
  .map((cs) => cs.join(''));
const mapArb = fc.uniqueArray(fc.record({ key: keyArb, value: fc.uint8Array({ maxLength: 4 }) }), {
  selector: (e) => e.key,
  maxLength: 24,
});

describe('state keys on the wire', () => {
  it('refuses a lone surrogate, which would encode like U+FFFD', () => {
    expect(StateKeySchema.safeParse('roll/x\uD800').success).toBe(false);
    expect(StateKeySchema.safeParse('roll/x\uDC00y').success).toBe(false);
    expect(encodeStateLeaf('x\uD800', v('')).length).toBe(encodeStateLeaf('x\uFFFD', v('')).length);
    expect(StateKeySchema.safeParse('roll/x\u{1F600}').success).toBe(true);
    expect(StateKeySchema.safeParse('roll/ж').success).toBe(true);
  });
});

describe('leaf encoding', () => {
  it('is byte-for-byte the canonical CBOR of {key, value} (property)', () => {
    const lengths = fc.constantFrom(0, 1, 23, 24, 255, 256, 65_535, 65_536, 70_000);
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })),
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }),
          lengths.map((n) => new Uint8Array(n).fill(7)),
        ),
        (key, value) => {
          expect(encodeStateLeaf(key, value)).toEqual(encodeCanonical({ key, value }));
        },
      ),
      { numRuns: 500 },
    );
    // Key lengths across the head sizes too.
    for (const n of [23, 24, 255, 256]) {
      const key = 'k'.repeat(n);
      expect(encodeStateLeaf(key, v('x'))).toEqual(encodeCanonical({ key, value: v('x') }));
    }
  });
});

describe('state tree bit view', () => {
  it('marks every byte with a leading 1 and pads with zeros', () => {
    // 'a' = 0x61 = 01100001
    expect(bits('a', 12)).toBe('101100001000');
    expect(bits('ab', 18)).toBe('101100001101100010');
    expect(keyBit(v(''), 0)).toBe(0);
    // A prefix differs from its extension at the extension's next marker.
    expect(critBit(v('a'), v('ab'))).toBe(9);
    expect(critBit(v('ab'), v('a'))).toBe(9);
    expect(critBit(v('a'), v('a'))).toBe(-1);
    // 'a' vs 'c' (0x63): bit 6 of the byte, extended bit 7.
    expect(critBit(v('a'), v('c'))).toBe(7);
    // An ASCII string reads the same as its bytes.
    expect(keyBytes('abc')).toBe('abc');
    expect(critBit(keyBytes('ab'), v('ac'))).toBe(critBit(v('ab'), v('ac')));
    expect(keyBytes('é')).toEqual(v('é'));
  });

  it('orders keys as their UTF-8 bytes do, and differ below 9·(min length + 1) (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const x = utf8ToBytes(a);
        const y = utf8ToBytes(b);
        const c = critBit(x, y);
        const cmp = compareBytes(x, y);
        if (cmp === 0) {
          expect(c).toBe(-1);
          return;
        }
        expect(c).toBeLessThan(9 * (Math.min(x.length, y.length) + 1));
        for (let i = 0; i < c; i++) expect(keyBit(x, i)).toBe(keyBit(y, i));
        expect(keyBit(x, c)).toBe(cmp < 0 ? 0 : 1);
        expect(keyBit(y, c)).toBe(cmp < 0 ? 1 : 0);
        expect(critBit(keyBytes(a), keyBytes(b))).toBe(c);
      }),
      { numRuns: 300 },
    );
  });
});

describe('state tree', () => {
  const tree = buildStateTree(entries);

  it('hashes leaves as before and interior nodes as H(0x02 ‖ u16be(crit) ‖ left ‖ right)', () => {
    expect(toHex(buildStateTree([]).root)).toBe(toHex(EMPTY_ROOT));
    const one = { key: 'kiosk/7', value: v('k7') };
    expect(toHex(buildStateTree([one]).root)).toBe(toHex(leafOf(one)));
    const a = { key: 'a', value: v('1') };
    const ab = { key: 'ab', value: v('2') };
    const node = new Uint8Array([0x02, 0, 9, ...leafOf(a), ...leafOf(ab)]);
    expect(toHex(buildStateTree([ab, a]).root)).toBe(toHex(sha256(node)));
    expect(toHex(innerHash(9, leafOf(a), leafOf(ab)))).toBe(toHex(sha256(node)));
    expect(encodeStateLeaf('a', v('b'))).toEqual(encodeCanonical({ key: 'a', value: v('b') }));
    // 'e' 0x65, 'k' 0x6b, 'r' 0x72: e|r and k|r differ at bit 3 of the byte (extended bit
    // 4), e|k at bit 4 (extended 5); the two elections split below them.
    const [e2, e10, r, k7] = entries as [StateEntry, StateEntry, StateEntry, StateEntry];
    expect(critBit(v('election/'), v('roll/'))).toBe(4);
    expect(critBit(v('election/'), v('kiosk/'))).toBe(5);
    const c = critBit(v(e10.key), v(e2.key));
    expect(c).toBe(9 * 9 + 7);
    const elections = innerHash(c, leafOf(e10), leafOf(e2));
    expect(toHex(tree.root)).toBe(
      toHex(innerHash(4, innerHash(5, elections, leafOf(k7)), leafOf(r))),
    );
  });

  it('throws on a duplicated key', () => {
    expect(() => buildStateTree([...entries, { key: 'kiosk/7', value: v('x') }])).toThrow(
      TypeError,
    );
  });

  it('proves presence; a tampered value or a wrong key fails', () => {
    for (const e of entries) {
      const p = tree.prove(e.key);
      expect(verifyStateProof(tree.root, e.key, p)).toEqual({ ok: true, value: e.value });
      const item = present(p);
      const bad: StateProof = { kind: 'present', item: { ...item, value: v('forged') } };
      expect(verifyStateProof(tree.root, e.key, bad)).toEqual({
        ok: false,
        error: { kind: 'root-mismatch' },
      });
      expect(verifyStateProof(tree.root, 'other', p)).toMatchObject({
        ok: false,
        error: { kind: 'key-mismatch' },
      });
    }
  });

  it('proves absence before, between and after the keys, and in the empty tree', () => {
    for (const k of [
      'election/1',
      'election/3',
      'a',
      'zzz',
      'kiosk/70',
      'kiosk/',
      'election/100',
    ]) {
      const p = tree.prove(k);
      expect(p.kind).toBe('absent');
      expect(verifyStateProof(tree.root, k, p)).toEqual({ ok: true, value: null });
    }
    const empty = buildStateTree([]);
    expect(verifyStateProof(empty.root, 'x', empty.prove('x'))).toEqual({ ok: true, value: null });
    // The empty proof is no good against a non-empty root.
    expect(verifyStateProof(tree.root, 'x', empty.prove('x'))).toEqual({
      ok: false,
      error: { kind: 'not-empty' },
    });
  });

  it('refuses forged proofs', () => {
    const item = present(tree.prove('election/10'));
    expect(item.path.length).toBe(3);
    const refuse = (key: string, p: StateProof) => {
      const r = verifyStateProof(tree.root, key, p);
      expect(r.ok).toBe(false);
      return r.ok ? undefined : r.error.kind;
    };
    const withPath = (path: StateItemProof['path']): StateProof => ({
      kind: 'present',
      item: { ...item, path },
    });
    const [s0, s1, s2] = item.path as [
      StateItemProof['path'][number],
      StateItemProof['path'][number],
      StateItemProof['path'][number],
    ];
    // A flipped sibling bit.
    const flipped = Uint8Array.from(s1.sibling);
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(refuse('election/10', withPath([s0, { ...s1, sibling: flipped }, s2]))).toBe(
      'root-mismatch',
    );
    // Reordered steps, a repeated crit, a dropped step, a wrong crit.
    expect(refuse('election/10', withPath([s1, s0, s2]))).toBe('path-not-increasing');
    expect(refuse('election/10', withPath([s0, { ...s1, crit: s0.crit }, s2]))).toBe(
      'path-not-increasing',
    );
    expect(refuse('election/10', withPath([s0, s2]))).toBe('root-mismatch');
    expect(refuse('election/10', withPath([s1, s2]))).toBe('root-mismatch');
    expect(refuse('election/10', withPath([s0, s1, { ...s2, crit: s2.crit + 1 }]))).toBe(
      'root-mismatch',
    );
    // A neighbour's valid presence proof passed off as this key's.
    expect(refuse('election/10', tree.prove('election/2'))).toBe('key-mismatch');
    // 'election/10' claimed absent with the valid proof of its sibling leaf 'election/2':
    // the search for 'election/10' turns the other way at their crit.
    const sibling = present(tree.prove('election/2'));
    expect(refuse('election/10', { kind: 'absent', key: 'election/10', leaf: sibling })).toBe(
      'off-path',
    );
    // ... or with another leaf's path ('roll/minsk-1' splits off at the root).
    const far = present(tree.prove('roll/minsk-1'));
    expect(refuse('election/10', { kind: 'absent', key: 'election/10', leaf: far })).toBe(
      'off-path',
    );
    // ... or with its own leaf.
    expect(refuse('election/10', { kind: 'absent', key: 'election/10', leaf: item })).toBe(
      'key-present',
    );
    // ... or with no leaf at all.
    expect(refuse('election/10', { kind: 'absent', key: 'election/10', leaf: null })).toBe(
      'not-empty',
    );
    // An absent key's proof moved to a neighbouring leaf's path.
    const abs = absentLeaf(tree.prove('election/3'));
    expect(abs.key).toBe('election/2');
    const forged: StateProof = { kind: 'absent', key: 'election/3', leaf: far };
    expect(refuse('election/3', forged)).toBe('off-path');
    // A path step past the 16-bit crit range (not from the wire schema).
    expect(refuse('election/10', withPath([s0, s1, { ...s2, crit: 0x10000 }]))).toBe(
      'path-not-increasing',
    );
  });

  it('bounds paths and crits in the wire schema', () => {
    const item = present(tree.prove('kiosk/7'));
    const step = item.path[0] as StateItemProof['path'][number];
    const long = Array.from({ length: MAX_STATE_PATH + 1 }, (_, i) => ({ ...step, crit: i }));
    const parse = (path: StateItemProof['path']) =>
      StateProofSchema.safeParse({ kind: 'present', item: { ...item, path } }).success;
    expect(parse(item.path)).toBe(true);
    expect(parse(long)).toBe(false);
    expect(parse([{ ...step, crit: 0x10000 }])).toBe(false);
    expect(parse([{ ...step, sibling: new Uint8Array(31) }])).toBe(false);
  });

  it('for any map (prefixes, non-ASCII, empty, one key): every key proves its value, other keys prove absent, the root ignores order (property)', () => {
    fc.assert(
      fc.property(mapArb, fc.array(keyArb, { maxLength: 10 }), fc.nat(), (es, queries, seed) => {
        const t = buildStateTree(es);
        const cut = seed % (es.length + 1);
        const shuffled = [...es.slice(cut), ...es.slice(0, cut)].reverse();
        expect(toHex(buildStateTree(shuffled).root)).toBe(toHex(t.root));
        expect(t.size).toBe(es.length);
        const byKey = new Map(es.map((e) => [e.key, e.value]));
        for (const q of [...es.map((e) => e.key), ...queries]) {
          const p = t.prove(q);
          // Proofs survive the wire schema.
          expect(StateProofSchema.parse(p)).toEqual(p);
          const want = byKey.get(q) ?? null;
          expect(verifyStateProof(t.root, q, p)).toEqual({ ok: true, value: want });
          expect(t.get(q)).toEqual(byKey.get(q));
          // A present key can never be proven absent with another key's proof.
          if (want !== null) {
            for (const e of es) {
              if (e.key === q) continue;
              const other = present(t.prove(e.key));
              const r = verifyStateProof(t.root, q, { kind: 'absent', key: q, leaf: other });
              expect(r.ok).toBe(false);
            }
          }
        }
        // Crits strictly increase down every path.
        for (const e of es) {
          const crits = present(t.prove(e.key)).path.map((s) => s.crit);
          crits.forEach((c, i) => i === 0 || expect(c).toBeGreaterThan(crits[i - 1] as number));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('prefix listings: completeness and emptiness', () => {
  // What a server lists for a prefix: every leaf under it, each with its own proof.
  const listing = (es: readonly StateEntry[], prefix: string): StateItemProof[] => {
    const t = buildStateTree(es);
    return es
      .filter((e) => e.key.startsWith(prefix))
      .map((e) => {
        const p = t.prove(e.key);
        if (p.kind !== 'present') throw new Error('listed key absent');
        return p.item;
      });
  };

  it('accepts every full listing and refuses one with a key left out', () => {
    fc.assert(
      fc.property(mapArb, keyArb, fc.nat(), (es, prefixSeed, pick) => {
        // Prefixes that often hit: a prefix of a present key, else a random one.
        const base = es[pick % Math.max(1, es.length)]?.key ?? prefixSeed;
        const prefix = [...base].slice(0, 1 + (pick % [...base].length)).join('') || prefixSeed;
        const t = buildStateTree(es);
        const items = listing(es, prefix);
        if (items.length === 0) {
          expect(verifyPrefixEmpty(t.root, prefix, t.prove(prefix)).ok).toBe(true);
          expect(verifyPrefixDigest(t.root, prefix, t.prove(prefix))).toEqual({
            ok: true,
            value: EMPTY_ROOT,
          });
          return;
        }
        // The digest of a whole listing is the subtree of the keys under the prefix, and a
        // proof for the prefix as a key gives the same digest without the listing.
        const under = es.filter((e) => e.key.startsWith(prefix));
        const digest = buildStateTree(under).root;
        expect(verifyPrefixComplete(t.root, prefix, items)).toEqual({ ok: true, value: digest });
        expect(verifyPrefixDigest(t.root, prefix, t.prove(prefix))).toEqual({
          ok: true,
          value: digest,
        });
        // Any one left out: refused, whichever item's path is used first.
        for (let i = 0; i < items.length && items.length > 1; i++) {
          const fewer = items.filter((_, j) => j !== i);
          expect(verifyPrefixComplete(t.root, prefix, fewer).ok).toBe(false);
        }
        // A non-empty prefix is never proven empty.
        expect(verifyPrefixEmpty(t.root, prefix, t.prove(prefix)).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('the grouped check gives every sub-prefix its own digest, and folding them gives the whole', async () => {
    const noPause = () => Promise.resolve();
    await fc.assert(
      fc.asyncProperty(mapArb, keyArb, fc.nat(), fc.nat(), async (es, prefixSeed, pick, drop) => {
        const base = es[pick % Math.max(1, es.length)]?.key ?? prefixSeed;
        const prefix = [...base].slice(0, 1 + (pick % [...base].length)).join('') || prefixSeed;
        const t = buildStateTree(es);
        const items = listing(es, prefix).sort((a, b) => compareKeys(a.key, b.key));
        if (items.length === 0) return;
        const r = await verifyPrefixCompleteGrouped(t.root, prefix, items, noPause);
        if (!r.ok) throw new Error(`an honest listing refused: ${r.error.kind}`);
        const under = es.filter((e) => e.key.startsWith(prefix));
        expect(r.value.digest).toEqual(buildStateTree(under).root);
        if (under.some((e) => e.key === prefix)) {
          expect(r.value.groups).toEqual([]);
          return;
        }
        // Each group: the keys one character past the prefix, its digest the one a proof for
        // the sub-prefix gives; together, every key once, in order.
        const seen: string[] = [];
        for (const g of r.value.groups) {
          const mine = under.filter((e) => subPrefixOf(e.key, prefix) === g.prefix);
          expect(g.root).toEqual(buildStateTree(mine).root);
          expect(verifyPrefixDigest(t.root, g.prefix, t.prove(g.prefix))).toEqual({
            ok: true,
            value: g.root,
          });
          expect([g.first, g.last]).toEqual([
            items.find((i) => i.key.startsWith(g.prefix))?.key,
            items.findLast((i) => i.key.startsWith(g.prefix))?.key,
          ]);
          seen.push(...mine.map((e) => e.key));
        }
        expect(seen.sort(compareKeys)).toEqual(items.map((i) => i.key));
        expect(foldSubtrees(r.value.groups)).toEqual(r.value.digest);
        // A group gone (its keys removed): the fold of the rest is the root of what is left.
        const gone = r.value.groups[drop % r.value.groups.length];
        const rest = r.value.groups.filter((g) => g !== gone);
        const left = under.filter((e) => subPrefixOf(e.key, prefix) !== gone?.prefix);
        expect(foldSubtrees(rest)).toEqual(buildStateTree(left).root);
      }),
      { numRuns: 400 },
    );
  });

  it('a digest changes exactly when something under the prefix changes', () => {
    fc.assert(
      fc.property(mapArb, keyArb, keyArb, fc.uint8Array({ maxLength: 8 }), (es, p, k, val) => {
        // Half the time the written key is under the prefix.
        const prefix = p.length % 2 === 0 ? [...k].slice(0, [...p].length).join('') : p;
        const before = buildStateTree(es);
        const after = buildStateTree([...es.filter((e) => e.key !== k), { key: k, value: val }]);
        const d0 = verifyPrefixDigest(before.root, prefix, before.prove(prefix));
        const d1 = verifyPrefixDigest(after.root, prefix, after.prove(prefix));
        if (!d0.ok || !d1.ok) throw new Error('digest of an honest proof refused');
        const old = es.find((e) => e.key === k)?.value;
        const changed = k.startsWith(prefix) && (old === undefined || compareBytes(old, val) !== 0);
        expect(compareBytes(d0.value, d1.value) !== 0).toBe(changed);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a digest from a proof that does not check', () => {
    const t = buildStateTree(entries);
    const p = t.prove('election/');
    if (p.kind !== 'absent' || p.leaf === null) throw new Error('expected an absence proof');
    const forged: StateProof = { ...p, leaf: { ...p.leaf, value: v('forged') } };
    expect(verifyPrefixDigest(t.root, 'election/', forged)).toMatchObject({
      ok: false,
      error: { kind: 'root-mismatch' },
    });
    expect(verifyPrefixDigest(t.root, 'kiosk/', p)).toMatchObject({
      ok: false,
      error: { kind: 'key-mismatch' },
    });
  });

  it('the sorted, pausing check agrees with the plain one and pauses every ROOT_STEP items', async () => {
    const es = Array.from({ length: 3 * ROOT_STEP + 5 }, (_, i) => ({
      key: `roll/u/${String(i).padStart(6, '0')}`,
      value: v(`r${i}`),
    }));
    const t = buildStateTree([...es, ...entries]);
    const items = listing([...es, ...entries], 'roll/u/').sort((a, b) => compareKeys(a.key, b.key));
    let pauses = 0;
    const pause = () => {
      pauses++;
      return Promise.resolve();
    };
    const r = await verifyPrefixCompleteSorted(t.root, 'roll/u/', items, pause);
    expect(r).toEqual({ ok: true, value: buildStateTree(es).root });
    // Every ROOT_STEP items of the order check, and again of the hashing.
    expect(pauses).toBe(6);
    // Many small sub-prefixes: the grouped check pauses as it hashes them too.
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
    const spread = Array.from({ length: 3 * ROOT_STEP + 5 }, (_, i) => ({
      key: `roll/v/${chars[i % chars.length] as string}${String(i).padStart(6, '0')}`,
      value: v(`s${i}`),
    }));
    const ts = buildStateTree(spread);
    const listed = listing(spread, 'roll/v/').sort((a, b) => compareKeys(a.key, b.key));
    pauses = 0;
    const g = await verifyPrefixCompleteGrouped(ts.root, 'roll/v/', listed, pause);
    expect(g.ok && g.value.groups.length).toBe(chars.length);
    // 3 of the order check, and at least 2 more while hashing groups of ~200 items.
    expect(pauses).toBeGreaterThanOrEqual(5);
    // Out of order, or one left out: refused.
    const swapped = [items[1], items[0], ...items.slice(2)] as StateItemProof[];
    expect(await verifyPrefixCompleteSorted(t.root, 'roll/u/', swapped, pause)).toMatchObject({
      ok: false,
      error: { kind: 'unsorted' },
    });
    const gap = items.filter((_, i) => i !== 5000);
    expect(await verifyPrefixCompleteSorted(t.root, 'roll/u/', gap, pause)).toMatchObject({
      ok: false,
      error: { kind: 'incomplete' },
    });
  });

  it('refuses a key outside the prefix, a key listed twice and an empty listing', () => {
    const t = buildStateTree(entries);
    const el = listing(entries, 'election/');
    expect(el.map((i) => i.key).sort()).toEqual(['election/10', 'election/2']);
    expect(verifyPrefixComplete(t.root, 'election/', el).ok).toBe(true);
    const kiosk = listing(entries, 'kiosk/');
    expect(verifyPrefixComplete(t.root, 'election/', [...el, ...kiosk])).toEqual({
      ok: false,
      error: { kind: 'outside-prefix', key: 'kiosk/7' },
    });
    expect(verifyPrefixComplete(t.root, 'election/', [...el, ...el.slice(0, 1)])).toMatchObject({
      ok: false,
      error: { kind: 'duplicate-key' },
    });
    expect(verifyPrefixComplete(t.root, 'election/', [])).toMatchObject({ ok: false });
    expect(verifyPrefixEmpty(t.root, 'candidate/', t.prove('candidate/')).ok).toBe(true);
    expect(verifyPrefixEmpty(EMPTY_ROOT, 'x', buildStateTree([]).prove('x')).ok).toBe(true);
    // A present key equal to the prefix, or a leaf under it, is not emptiness.
    expect(verifyPrefixEmpty(t.root, 'kiosk/7', t.prove('kiosk/7')).ok).toBe(false);
    expect(verifyPrefixEmpty(t.root, 'kiosk/', t.prove('kiosk/'))).toMatchObject({
      ok: false,
      error: { kind: 'prefix-present', key: 'kiosk/7' },
    });
  });
});
