import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { AppState, compareKeys, Overlay, type Tx } from '../../../src/devnet/app/index.js';
import { compareBytes } from '../../../src/protocol/bytes.js';
import { encodeCanonical, type Canonical } from '../../../src/protocol/encoding.js';
import { toHex } from '../../../src/protocol/hash.js';
import {
  buildStateTree,
  verifyPrefixComplete,
  verifyStateProof,
  type StateItemProof,
} from '../../../src/protocol/state-tree.js';
import {
  MAX_LISTING_ITEMS,
  STATE_PROTOCOL,
  StateResponseSchema,
} from '../../../src/protocol/light-rpc.js';
import { noFaults } from '../../../src/devnet/faults.js';
import { answerState, type LightServerDeps } from '../../../src/devnet/rpc.js';
import {
  ballotTx,
  bytes32,
  cert,
  Chain,
  DAY,
  electionBody,
  expectOk,
  signer,
  withUnit,
} from './harness.js';

describe('AppState', () => {
  it('is immutable: apply returns a new state and leaves the old one as it was', () => {
    const a = AppState.empty().apply(
      new Map<string, Canonical>([
        ['kiosk/1', { n: 1 }],
        ['roll/x/00', { addedAt: 1 }],
      ]),
    );
    const b = a.apply(
      new Map([
        ['kiosk/1', null],
        ['kiosk/2', { n: 2 }],
      ]),
    );
    expect([a.get('kiosk/1'), a.get('kiosk/2'), a.size]).toEqual([{ n: 1 }, undefined, 2]);
    expect([b.get('kiosk/1'), b.get('kiosk/2'), b.size]).toEqual([undefined, { n: 2 }, 2]);
    expect(b.get('roll/x/00')).toEqual({ addedAt: 1 });
  });

  it('leaves are sorted by UTF-8 key bytes with canonical values; appHash is the state tree root', () => {
    const s = AppState.empty().apply(
      new Map<string, { v: number }>([
        ['roll/b/01', { v: 3 }],
        ['election/e-10', { v: 1 }],
        ['election/e-2', { v: 2 }],
        ['candidate/Z', { v: 4 }],
        ['candidate/a', { v: 5 }],
      ]),
    );
    const leaves = s.leaves();
    const keys = leaves.map((l) => l.key);
    expect(keys).toEqual([...keys].sort((x, y) => compareBytes(utf8ToBytes(x), utf8ToBytes(y))));
    expect(keys).toEqual([
      'candidate/Z',
      'candidate/a',
      'election/e-10',
      'election/e-2',
      'roll/b/01',
    ]);
    expect(leaves[0]?.value).toEqual(encodeCanonical({ v: 4 }));
    expect(toHex(s.appHash())).toBe(toHex(buildStateTree(leaves).root));
    expect(toHex(s.appHash())).not.toBe(
      toHex(s.apply(new Map([['roll/b/01', { v: 4 }]])).appHash()),
    );
  });

  it('for any keys (prefix families, non-ASCII, astral) the order is UTF-8 bytes and appHash is the state-tree root', () => {
    const keyArb = fc
      .tuple(
        fc.constantFrom('a', 'a.b', 'a-', 'ab', 'ballot', 'ballots', 'b', 'é'),
        fc.string({ unit: 'binary', maxLength: 6 }),
      )
      .map(([f, rest]) => `${f}/${rest}`);
    fc.assert(
      fc.property(fc.uniqueArray(keyArb, { maxLength: 30 }), fc.nat(), (keys, salt) => {
        const s = AppState.empty().apply(new Map(keys.map((k, i) => [k, { i, salt }])));
        const leaves = s.leaves();
        const bytes = leaves.map((l) => utf8ToBytes(l.key));
        bytes.forEach(
          (b, i) => i === 0 || expect(compareBytes(bytes[i - 1] as Uint8Array, b)).toBeLessThan(0),
        );
        expect(leaves).toHaveLength(keys.length);
        expect(toHex(s.appHash())).toBe(toHex(buildStateTree(leaves).root));
      }),
      { numRuns: 200 },
    );
    // One value object under two keys: each key gets its own leaf.
    const shared = { same: 1 };
    const twice = AppState.empty().apply(
      new Map([
        ['a/1', shared],
        ['a/2', shared],
      ]),
    );
    expect(twice.leaves().map((l) => l.key)).toEqual(['a/1', 'a/2']);
    expect(toHex(twice.appHash())).toBe(toHex(buildStateTree(twice.leaves()).root));
    // UTF-16 order would put the astral character first.
    expect(compareKeys('x/\u{1F600}', 'x/\uFFFD')).toBeGreaterThan(0);
    // Keys outside the proof bounds are a bug in the caller (keys.ts bounds every id).
    expect(() => AppState.empty().apply(new Map([['x'.repeat(257), 1]]))).toThrow(/state key/);
    expect(() => AppState.empty().apply(new Map([['', 1]]))).toThrow(/state key/);
  });

  it('pages past any cursor (listed, unlisted, outside the prefix) are the sorted keys after it, and paging covers the prefix once (property)', () => {
    const keyArb = fc
      .tuple(
        fc.constantFrom('a', 'a/', 'a/b', 'ab', 'b', 'é'),
        fc.string({ unit: 'binary', maxLength: 5 }),
      )
      .map(([f, rest]) => `${f}${rest}`)
      .filter((k) => k.length > 0 && !/[\uD800-\uDFFF]/.test(k));
    fc.assert(
      fc.property(
        fc.uniqueArray(keyArb, { maxLength: 40 }),
        fc.constantFrom('a', 'a/', 'a/b', 'b', 'é', 'z'),
        keyArb,
        fc.integer({ min: 1, max: 7 }),
        (keys, prefix, cursor, limit) => {
          const s = AppState.empty().apply(new Map(keys.map((k) => [k, 1])));
          const under = [...keys].filter((k) => k.startsWith(prefix)).sort(compareKeys);
          for (const after of [null, cursor, ...under]) {
            const rest = under.filter((k) => after === null || compareKeys(k, after) > 0);
            expect(s.keysAfter(prefix, after, limit)).toEqual(rest.slice(0, limit));
          }
          const paged: string[] = [];
          for (let after: string | null = null; ;) {
            const page = s.keysAfter(prefix, after, limit);
            if (page.length === 0) break;
            paged.push(...page);
            after = page[page.length - 1] ?? null;
          }
          expect(paged).toEqual(under);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('after any sequence of inserts, updates and deletes the incremental trie equals the reference, proves every key and keeps older states (property)', () => {
    // A small alphabet makes prefixes of other keys, shared prefixes and deletions of
    // present keys common; 'é' and the astral character exercise the byte view.
    const keyArb = fc
      .array(fc.constantFrom('a', 'b', '/', 'é', '\u{1F600}'), { minLength: 1, maxLength: 4 })
      .map((cs) => cs.join(''));
    const blockArb = fc.array(fc.tuple(keyArb, fc.option(fc.nat(9), { nil: null, freq: 3 })), {
      maxLength: 12,
    });
    fc.assert(
      fc.property(fc.array(blockArb, { minLength: 1, maxLength: 6 }), keyArb, (blocks, probe) => {
        const model = new Map<string, Canonical>();
        let s = AppState.empty();
        const history: [AppState, string, number][] = [];
        for (const ops of blocks) {
          const diff = new Map<string, Canonical | null>(ops);
          s = s.apply(diff);
          for (const [k, val] of diff) {
            if (val === null) model.delete(k);
            else model.set(k, val);
          }
          const tree = buildStateTree(
            [...model].map(([key, val]) => ({ key, value: encodeCanonical(val) })),
          );
          expect(toHex(s.appHash())).toBe(toHex(tree.root));
          expect(s.size).toBe(model.size);
          for (const k of [...model.keys(), ...diff.keys(), probe]) {
            const p = s.prove(k);
            expect(p).toEqual(tree.prove(k));
            const want = model.get(k);
            expect(verifyStateProof(s.appHash(), k, p)).toEqual({
              ok: true,
              value: want === undefined ? null : encodeCanonical(want),
            });
            expect(s.get(k)).toEqual(want);
          }
          for (const prefix of ['a', 'a/', 'é', probe]) {
            const sorted = [...model].sort((x, y) => compareKeys(x[0], y[0]));
            expect(s.list(prefix)).toEqual(sorted.filter(([k]) => k.startsWith(prefix)));
          }
          history.push([s, toHex(tree.root), model.size]);
        }
        for (const [old, root, size] of history) {
          expect(toHex(old.appHash())).toBe(root);
          expect(old.size).toBe(size);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('across many blocks of inserts and deletes (emptied prefixes) it matches a plain map', () => {
    const rnd = fc.sample(fc.nat(1_000_000), { numRuns: 3000, seed: 7 });
    let r = 0;
    const next = (): number => rnd[r++ % rnd.length] as number;
    const model = new Map<string, Canonical>();
    let s = AppState.empty();
    const history: [AppState, string][] = [];
    for (let block = 0; block < 12; block++) {
      const diff = new Map<string, Canonical | null>();
      for (let i = 0; i < 150; i++) {
        const k = `${block === 4 ? 'jury' : 'nullifier'}/e/${(next() % 900).toString(16)}`;
        diff.set(k, next() % 4 === 0 ? null : { block, i });
      }
      if (block === 9) for (const k of model.keys()) if (k.startsWith('jury/')) diff.set(k, null);
      s = s.apply(diff);
      for (const [k, v] of diff) {
        if (v === null) model.delete(k);
        else model.set(k, v);
      }
      const sorted = [...model].sort((x, y) => compareKeys(x[0], y[0]));
      expect(s.size).toBe(model.size);
      expect(s.list('nullifier/e/a')).toEqual(
        sorted.filter(([k]) => k.startsWith('nullifier/e/a')),
      );
      for (const k of ['nullifier/e/1', 'nullifier/e/zz', 'jury/e/0', 'nullifier/e/384']) {
        expect(s.get(k)).toEqual(model.get(k));
      }
      // Pages of keys past a cursor (listed or not) are the model's, in order.
      const under = sorted.map(([k]) => k).filter((k) => k.startsWith('nullifier/e/'));
      for (const after of [null, 'nullifier/e/', under[7] ?? null, 'nullifier/e/5', 'zz']) {
        const rest = under.filter((k) => after === null || compareKeys(k, after) > 0);
        expect(s.keysAfter('nullifier/e/', after, 13)).toEqual(rest.slice(0, 13));
      }
      const tree = buildStateTree(sorted.map(([key, v]) => ({ key, value: encodeCanonical(v) })));
      expect(toHex(s.appHash())).toBe(toHex(tree.root));
      history.push([s, toHex(tree.root)]);
    }
    expect(s.list('jury/')).toEqual([]);
    // Older states are untouched by later blocks.
    for (const [old, root] of history) expect(toHex(old.appHash())).toBe(root);
  });

  it('an overlay reads through, hides deletions, lists merged entries in order, and never writes its base', () => {
    const base = AppState.empty().apply(
      new Map([
        ['jury/a', 1],
        ['jury/c', 3],
      ]),
    );
    const o = new Overlay(base);
    o.put('jury/b', 2);
    o.delete('jury/c');
    expect([o.get('jury/a'), o.get('jury/b'), o.get('jury/c')]).toEqual([1, 2, undefined]);
    expect(o.list('jury/')).toEqual([
      ['jury/a', 1],
      ['jury/b', 2],
    ]);
    expect(base.list('jury/')).toEqual([
      ['jury/a', 1],
      ['jury/c', 3],
    ]);
    expect(base.apply(o.diff()).list('jury/')).toEqual([
      ['jury/a', 1],
      ['jury/b', 2],
    ]);
  });
});

// A small language of operations; each becomes a transaction or an empty block in time.
type Op =
  | { t: 'voter'; i: number }
  | { t: 'ballot'; voter: number; salt: number }
  | { t: 'juror'; i: number }
  | { t: 'jury'; size: number }
  | { t: 'head'; seq: number }
  | { t: 'kiosk'; i: number }
  | { t: 'revoke'; i: number }
  | { t: 'later'; hours: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('voter' as const), i: fc.nat(6) }),
  fc.record({ t: fc.constant('ballot' as const), voter: fc.nat(6), salt: fc.nat(2) }),
  fc.record({ t: fc.constant('juror' as const), i: fc.nat(6) }),
  fc.record({ t: fc.constant('jury' as const), size: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ t: fc.constant('head' as const), seq: fc.nat(5) }),
  fc.record({ t: fc.constant('kiosk' as const), i: fc.nat(2) }),
  fc.record({ t: fc.constant('revoke' as const), i: fc.nat(2) }),
  fc.record({ t: fc.constant('later' as const), hours: fc.nat(30) }),
);

/** Runs the script on a fresh chain; returns the leaves as hex pairs and every outcome. */
function run(blocks: Op[][]) {
  const chain = new Chain();
  const { kiosk, kioskId } = withUnit(chain, 'village', { juryLookback: 2 });
  expectOk(
    chain.one(
      chain.auth({
        kind: 'candidate-register',
        personId: 'olga',
        unit: 'village',
        name: 'O',
        certificate: cert(chain.timeS + 9 * DAY),
        promises: [],
      }),
    ),
  );
  expectOk(
    chain.one(
      chain.auth(
        electionBody(
          chain,
          'e1',
          'village',
          { kind: 'general' },
          { opens: chain.timeS, closes: chain.timeS + DAY },
        ),
      ),
    ),
  );
  const outcomes: unknown[] = [];
  let bill = 0;
  for (const ops of blocks) {
    const txs: Tx[] = [];
    let at: number | undefined;
    for (const op of ops) {
      switch (op.t) {
        case 'voter':
          txs.push(
            chain.auth({ kind: 'roll-add', unit: 'village', entries: [bytes32(`v${op.i}`)] }),
          );
          break;
        case 'ballot':
          txs.push(ballotTx('e1', kioskId, kiosk, bytes32(`n${op.voter}`), String(op.salt)));
          break;
        case 'juror':
          txs.push(
            chain.auth({
              kind: 'juror-qualify',
              unit: 'village',
              entry: bytes32(`v${op.i}`),
              legal: cert(chain.timeS + DAY),
              political: cert(chain.timeS + DAY),
            }),
          );
          break;
        case 'jury':
          txs.push(
            chain.auth({
              kind: 'jury-draw',
              billId: `bill-${bill++}`,
              unit: 'village',
              size: op.size,
            }),
          );
          break;
        case 'head':
          txs.push(
            chain.signed(
              { kind: 'chain-head', kioskId, kioskSeq: op.seq, head: bytes32(`h${op.seq}`) },
              kiosk,
            ),
          );
          break;
        case 'kiosk':
          txs.push(
            chain.auth({
              kind: 'kiosk-register',
              kioskId: `k${op.i}`,
              unit: 'village',
              publicKey: signer(`k${op.i}`).publicKey,
              pollingPlace: 'p',
            }),
          );
          break;
        case 'revoke':
          txs.push(chain.auth({ kind: 'kiosk-revoke', kioskId: `k${op.i}` }));
          break;
        case 'later':
          at = chain.timeS + op.hours * 3600;
          break;
      }
    }
    outcomes.push(chain.block(txs, at).outcomes);
  }
  return {
    leaves: chain.state.leaves().map((l) => [l.key, toHex(l.value)]),
    appHash: toHex(chain.state.appHash()),
    outcomes,
  };
}

describe('determinism', () => {
  it('the same blocks applied to two fresh states give identical sorted leaves and appHash', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(opArb, { maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        (blocks) => {
          const a = run(blocks);
          const b = run(blocks);
          expect(b.leaves).toEqual(a.leaves);
          expect(b.appHash).toBe(a.appHash);
          expect(b.outcomes).toEqual(a.outcomes);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the history matters: different blocks give a different appHash', () => {
    const a = run([[{ t: 'voter', i: 1 }]]);
    const b = run([[{ t: 'voter', i: 2 }]]);
    expect(a.appHash).not.toBe(b.appHash);
  });
});

describe('/veche/state/1 answers from an AppState', () => {
  // Only the two members answerState reads; the rest of a validator is not involved.
  const depsFor = (state: AppState): LightServerDeps => ({
    validator: () =>
      ({ committedHeight: 1, stateAt: (h: number) => (h === 1 ? state : undefined) }) as never,
    signer: signer('server'),
    faults: noFaults(),
  });

  it('proves named keys present and absent, and lists a prefix in key order', () => {
    const state = AppState.empty().apply(
      new Map<string, Canonical>([
        ['roll/u/02', 2],
        ['roll/u/01', 1],
        ['roll/v/01', 3],
        ['kiosk/k', 4],
      ]),
    );
    const a = answerState(depsFor(state), {
      height: null,
      keys: ['kiosk/k', 'kiosk/none'],
      prefix: 'roll/u/',
    });
    if (a.status !== 'ok') throw new Error('unavailable');
    const parsed = StateResponseSchema.parse(a);
    expect(parsed).toEqual(a);
    const got = a.proofs.map((p, i) => {
      const k = i < 2 ? ['kiosk/k', 'kiosk/none'][i] : p.kind === 'present' ? p.item.key : '';
      const r = verifyStateProof(state.appHash(), k as string, p);
      if (!r.ok) throw new Error(r.error.kind);
      return [k, r.value === null ? null : toHex(r.value)];
    });
    expect(got).toEqual([
      ['kiosk/k', toHex(encodeCanonical(4))],
      ['kiosk/none', null],
      ['roll/u/01', toHex(encodeCanonical(1))],
      ['roll/u/02', toHex(encodeCanonical(2))],
    ]);
    expect(a.complete).toBe(true);
  });

  it('stops a listing of large values early (complete: false) within the response limit', () => {
    const big = new Uint8Array(40 * 1024).fill(7);
    const state = AppState.empty().apply(
      new Map<string, Canonical>(
        Array.from({ length: 200 }, (_, i) => [`roll/u/${String(i).padStart(3, '0')}`, big]),
      ),
    );
    const a = answerState(depsFor(state), { height: 1, keys: [], prefix: 'roll/u/' });
    if (a.status !== 'ok') throw new Error('unavailable');
    expect(a.complete).toBe(false);
    expect(a.proofs.length).toBeGreaterThan(50);
    expect(a.proofs.length).toBeLessThan(200);
    const bytes = encodeCanonical(a as unknown as Canonical).byteLength;
    expect(bytes).toBeLessThanOrEqual(STATE_PROTOCOL.maxResponseBytes);
    for (const p of a.proofs) {
      expect(p.kind).toBe('present');
      if (p.kind === 'present')
        expect(verifyStateProof(state.appHash(), p.item.key, p).ok).toBe(true);
    }
    // Small values: the same listing is complete.
    const small = AppState.empty().apply(
      new Map<string, Canonical>(Array.from({ length: 200 }, (_, i) => [`roll/u/${i}`, i])),
    );
    const b = answerState(depsFor(small), { height: 1, keys: [], prefix: 'roll/u/' });
    expect(b.status === 'ok' && b.complete && b.proofs.length).toBe(200);
  });

  it('pages past MAX_LISTING_ITEMS with `after`, bare items carrying only the first path', () => {
    const n = MAX_LISTING_ITEMS + 10;
    const keys = Array.from({ length: n }, (_, i) => `roll/u/${String(i).padStart(5, '0')}`);
    const state = AppState.empty().apply(new Map<string, Canonical>(keys.map((k) => [k, 1])));
    const ask = (after: string | null) =>
      answerState(depsFor(state), { height: 1, keys: [], prefix: 'roll/u/', after, bare: true });
    const one = ask(null);
    if (one.status !== 'ok') throw new Error('unavailable');
    expect(one.complete).toBe(false);
    expect(one.proofs).toHaveLength(MAX_LISTING_ITEMS);
    const paths = one.proofs.map((p) => (p.kind === 'present' ? p.item.path.length : -1));
    expect(paths[0]).toBeGreaterThan(0);
    expect(paths.slice(1).every((l) => l === 0)).toBe(true);
    const last = one.proofs.at(-1);
    const two = ask(last?.kind === 'present' ? last.item.key : null);
    if (two.status !== 'ok') throw new Error('unavailable');
    expect(two.complete).toBe(true);
    const listed = [...one.proofs, ...two.proofs].map((p) =>
      p.kind === 'present' ? p.item : null,
    );
    expect(listed.map((i) => i?.key)).toEqual(keys);
    expect(verifyPrefixComplete(state.appHash(), 'roll/u/', listed as StateItemProof[]).ok).toBe(
      true,
    );
    // Past the last key: an empty, complete page (no emptiness proof: the prefix is not empty).
    expect(ask(keys.at(-1) ?? null)).toMatchObject({ status: 'ok', proofs: [], complete: true });
  });
});
