// pullState against a scripted server over the real state tree: a prefix of any size is
// paged at one height and proven whole, a page that leaves an item out (or repeats, or stops
// short) is refused, a held listing whose digest did not change is not fetched again, and a
// lookup at the trusted height falls back to the latest when that state is gone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { StateRequest, StateResponse } from '../../../src/protocol/light-rpc.js';
import {
  buildStateTree,
  compareKeys,
  type StateEntry,
  type StateProof,
  type StateTree,
} from '../../../src/protocol/state-tree.js';
import { err, ok } from '../../../src/shared/result.js';
import type { StateItem, Store } from '../../../src/store/index.js';
import type { LightClient } from '../../../src/sync/light-service.js';
import type { PeerRpc } from '../../../src/sync/rpc.js';
import {
  MAX_PREFIX_PAGES,
  pullState,
  RATE_RETRY_MS,
  type StateQuery,
} from '../../../src/sync/state-pull.js';

// pullState writes through store.synced only; the real table's rows need stored headers.
const stored: StateItem[] = [];
const table = new Map<string, Uint8Array>();
const store = {
  synced: {
    putStateItems(items: readonly StateItem[], removed: readonly { key: string }[] = []) {
      stored.push(...items);
      for (const i of items) table.set(i.key, i.value);
      for (const r of removed) table.delete(r.key);
      return ok(undefined);
    },
    stateValuesUnder(_chainId: string, prefix: string) {
      return new Map([...table].filter(([k]) => k.startsWith(prefix)));
    },
    // Keeps no sub-prefix listings: a changed held listing is listed whole.
    listingsUnder: () => new Map<string, Uint8Array>(),
  },
} as unknown as Store;

type Fault = 'none' | 'drop-one' | 'repeat-page' | 'stop-short' | 'no-progress' | 'all-bare';

/** A validator's /veche/state/1 over fixed trees per height, `page` items a page. */
function server(
  trees: Map<number, StateTree & { entries: StateEntry[] }>,
  page: number,
  fault: Fault = 'none',
  dropAt = 0,
) {
  const asked: StateRequest[] = [];
  const rpc = {
    peerId: 'scripted',
    state(req: StateRequest): Promise<{ ok: true; value: StateResponse }> {
      asked.push(req);
      const t = trees.get(req.height ?? -1);
      if (t === undefined) return Promise.resolve(ok({ status: 'unavailable', latest: 0 }));
      const proofs: StateProof[] = req.keys.map((k) => t.prove(k));
      let complete = true;
      if (req.prefix !== null) {
        const prefix = req.prefix;
        const after =
          fault === 'repeat-page' || fault === 'no-progress' ? null : (req.after ?? null);
        const under = t.entries
          .map((e) => e.key)
          .filter((k) => k.startsWith(prefix))
          .sort(compareKeys);
        const rest = after === null ? under : under.filter((k) => compareKeys(k, after) > 0);
        let keys = rest.slice(0, page);
        complete = rest.length <= page;
        if (fault === 'no-progress' && (req.after ?? null) !== null) keys = [];
        if (fault === 'stop-short') complete = true;
        if (fault === 'drop-one') {
          // Drop the item at overall index dropAt, whichever page it falls on.
          const start = under.length - rest.length;
          keys = keys.filter((_, i) => start + i !== dropAt);
        }
        const first = under[0];
        for (const k of keys) {
          const p = t.prove(k);
          // Bare: only the prefix's first item keeps its path.
          const strip = req.bare === true && (k !== first || fault === 'all-bare');
          proofs.push(strip && p.kind === 'present' ? { ...p, item: { ...p.item, path: [] } } : p);
        }
        if (under.length === 0) proofs.push(t.prove(prefix));
      }
      return Promise.resolve(ok({ status: 'ok', height: req.height ?? 0, proofs, complete }));
    },
  };
  return { rpc: rpc as unknown as PeerRpc, asked };
}

function tree(entries: StateEntry[]) {
  return Object.assign(buildStateTree(entries), { entries });
}

/** A light client that trusts `trusted` and advances to `latest`. */
function light(trusted: { height: number; appHash: Uint8Array }, latest = trusted) {
  let advanced = 0;
  const l = {
    alarm: null,
    init: () => Promise.resolve(ok({ header: trusted })),
    advanceToLatest: () => {
      advanced++;
      return Promise.resolve(ok({ header: latest }));
    },
  };
  return { light: l as unknown as LightClient, advanced: () => advanced };
}

const pull = (l: LightClient, rpc: PeerRpc, q: StateQuery) =>
  pullState(l, rpc, store, 'veche-test', q);

const roll = (n: number, tag = 'r') =>
  Array.from({ length: n }, (_, i) => ({
    key: `roll/u1/${tag}${String(i).padStart(5, '0')}`,
    value: utf8ToBytes(`v${i}`),
  }));
const others = [
  { key: 'roll/u10/x', value: utf8ToBytes('next unit') },
  { key: 'roll/u', value: utf8ToBytes('short key') },
  { key: 'election/e1', value: utf8ToBytes('e1') },
];

describe('pullState: paged listings', () => {
  const t = tree([...roll(1000), ...others]);
  const head = { height: 7, appHash: t.root };
  const trees = new Map([[7, t]]);

  it('pages a listing far past one answer and proves the whole', async () => {
    const s = server(trees, 37);
    const r = await pull(light(head).light, s.rpc, { keys: [], prefixes: ['roll/u1/'] });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.items.size).toBe(1000);
    expect(r.value.truncated).toEqual([]);
    expect(r.value.digests.get('roll/u1/')).toEqual(buildStateTree(roll(1000)).root);
    expect(s.asked).toHaveLength(Math.ceil(1000 / 37));
    expect(s.asked.every((q) => q.height === 7 && q.bare === true)).toBe(true);
    expect(stored.filter((i) => i.key.startsWith('roll/u1/'))).toHaveLength(1000);
  });

  it.each([
    ['drop-one' as const, 'listing incomplete'],
    ['repeat-page' as const, 'listing out of order'],
    ['stop-short' as const, 'listing incomplete'],
    ['all-bare' as const, 'listing root-mismatch'],
  ])('refuses a server that does %s', async (fault, reason) => {
    const s = server(trees, 37, fault, 500);
    const r = await pull(light(head).light, s.rpc, { keys: [], prefixes: ['roll/u1/'] });
    expect(r).toMatchObject({ ok: false, error: { kind: 'bad-proof', key: expect.any(String) } });
    if (!r.ok && r.error.kind === 'bad-proof') expect(r.error.reason).toBe(reason);
  });

  it('a page refused as rate-limited is asked again, paced, when the caller can wait', async () => {
    const s = server(trees, 37);
    let n = 0;
    const limited = {
      ...s.rpc,
      state: (req: StateRequest) => {
        // The validator's bucket: every third request is over the rate.
        if (++n % 3 === 0) {
          return Promise.resolve(err({ kind: 'remote' as const, code: 'rate-limited' as const }));
        }
        return s.rpc.state(req);
      },
    } as PeerRpc;
    const waits: number[] = [];
    const wait = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    const q = { keys: [], prefixes: ['roll/u1/'] };
    const r = await pullState(light(head).light, limited, store, 'veche-test', q, wait);
    expect(r.ok && r.value.items.size).toBe(1000);
    expect(waits.length).toBe(Math.floor(n / 3));
    expect(waits.every((ms) => ms === RATE_RETRY_MS)).toBe(true);
    // Without a way to wait, the refusal is the answer.
    n = 0;
    const once = await pullState(light(head).light, limited, store, 'veche-test', q);
    expect(once).toMatchObject({ ok: false, error: { kind: 'peer', message: 'remote' } });
  });

  it('stops paging past MAX_PREFIX_PAGES and hands over nothing of that prefix', async () => {
    const many = tree(roll(MAX_PREFIX_PAGES + 5));
    const s = server(new Map([[9, many]]), 1);
    const r = await pull(light({ height: 9, appHash: many.root }).light, s.rpc, {
      keys: [],
      prefixes: ['roll/u1/'],
    });
    expect(r.ok && r.value.truncated).toEqual(['roll/u1/']);
    expect(r.ok && r.value.items.size).toBe(0);
    expect(r.ok && r.value.digests.has('roll/u1/')).toBe(false);
    expect(s.asked).toHaveLength(MAX_PREFIX_PAGES);
  });

  it('a page with nothing new is a peer error, not a loop', async () => {
    const s = server(trees, 37, 'no-progress');
    const r = await pull(light(head).light, s.rpc, { keys: [], prefixes: ['roll/u1/'] });
    expect(r).toMatchObject({ ok: false, error: { kind: 'peer' } });
    expect(s.asked).toHaveLength(2);
  });

  it('for any keys, page size and dropped item: whole listings pass, gaps are refused', async () => {
    const keyArb = fc.stringMatching(/^[a-c/]{1,4}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(keyArb, { maxLength: 40 }),
        fc.constantFrom('a', 'a/', 'b', 'ab', 'c/a'),
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        async (keys, prefix, page, drop) => {
          const tt = tree(keys.map((key) => ({ key, value: utf8ToBytes(key) })));
          const h = { height: 3, appHash: tt.root };
          const honest = await pull(light(h).light, server(new Map([[3, tt]]), page).rpc, {
            keys: [],
            prefixes: [prefix],
          });
          if (!honest.ok) throw new Error(JSON.stringify(honest.error));
          const under = keys.filter((k) => k.startsWith(prefix)).sort();
          expect([...honest.value.items.keys()].sort()).toEqual(under);
          if (under.length === 0) return;
          const s = server(new Map([[3, tt]]), page, 'drop-one', drop % under.length);
          const gap = await pull(light(h).light, s.rpc, { keys: [], prefixes: [prefix] });
          expect(gap.ok).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('pullState: held listings and quick lookups', () => {
  const before = tree([...roll(300), ...others]);
  const after = tree([...roll(300), ...others, { key: 'election/e2', value: utf8ToBytes('e2') }]);
  const changed = tree([...roll(301), ...others]);

  it('skips a prefix whose digest is unchanged and lists it again once it changed', async () => {
    const first = await pull(
      light({ height: 5, appHash: before.root }).light,
      server(new Map([[5, before]]), 64).rpc,
      {
        keys: [],
        prefixes: ['roll/u1/', 'election/'],
      },
    );
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    const known = first.value.digests;
    expect([...known.keys()].sort()).toEqual(['election/', 'roll/u1/']);

    // Something else changed: the roll is not fetched again, the elections are.
    const s = server(new Map([[6, after]]), 64);
    const r = await pull(light({ height: 6, appHash: after.root }).light, s.rpc, {
      keys: [],
      prefixes: ['roll/u1/', 'election/'],
      known,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.unchanged).toEqual(['roll/u1/']);
    expect([...r.value.items.keys()].sort()).toEqual(['election/e1', 'election/e2']);
    expect(s.asked.map((q) => q.prefix)).toEqual([null, 'election/']);
    expect(r.value.digests.get('roll/u1/')).toEqual(known.get('roll/u1/'));

    // One roll entry more: listed again, whole; only the new entry is written.
    stored.length = 0;
    const c = await pull(
      light({ height: 8, appHash: changed.root }).light,
      server(new Map([[8, changed]]), 64).rpc,
      {
        keys: [],
        prefixes: ['roll/u1/'],
        known,
      },
    );
    if (!c.ok) throw new Error(JSON.stringify(c.error));
    expect(c.value.unchanged).toEqual([]);
    expect(c.value.items.size).toBe(301);
    expect(stored.map((i) => i.key)).toEqual(['roll/u1/r00300']);
    // One fewer than stored: the entry the chain dropped is dropped here too.
    const fewer = tree([...roll(299), ...others]);
    const d = await pull(
      light({ height: 9, appHash: fewer.root }).light,
      server(new Map([[9, fewer]]), 64).rpc,
      { keys: [], prefixes: ['roll/u1/'] },
    );
    expect(d.ok && d.value.items.size).toBe(299);
    expect([...table.keys()].filter((k) => k.startsWith('roll/u1/'))).toHaveLength(299);
  });

  it('a digest from a forged proof is refused', async () => {
    const s = server(new Map([[5, before]]), 64);
    const forge = s.rpc.state.bind(s.rpc);
    const rpc = {
      ...s.rpc,
      state: async (req: StateRequest) => {
        const a = await forge(req);
        if (!a.ok || a.value.status !== 'ok' || req.keys.length === 0) return a;
        const p = a.value.proofs[0];
        if (p?.kind !== 'absent' || p.leaf === null) return a;
        const leaf = { ...p.leaf, value: utf8ToBytes('forged') };
        return ok({ ...a.value, proofs: [{ ...p, leaf }, ...a.value.proofs.slice(1)] });
      },
    } as PeerRpc;
    const r = await pull(light({ height: 5, appHash: before.root }).light, rpc, {
      keys: [],
      prefixes: ['roll/u1/'],
      known: new Map([['roll/u1/', new Uint8Array(32)]]),
    });
    expect(r).toMatchObject({ ok: false, error: { kind: 'bad-proof', key: 'roll/u1/' } });
  });

  it('looks up keys at the trusted height, and at the latest once that state is gone', async () => {
    const key = 'roll/u1/r00007';
    const l = light({ height: 5, appHash: before.root }, { height: 6, appHash: after.root });
    const r = await pull(
      l.light,
      server(
        new Map([
          [5, before],
          [6, after],
        ]),
        64,
      ).rpc,
      {
        keys: [key, 'nullifier/e1/00'],
        prefixes: [],
        atTrusted: true,
      },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value).toMatchObject({ height: 5, absent: ['nullifier/e1/00'] });
    expect(r.value.items.has(key)).toBe(true);
    expect(l.advanced()).toBe(0);

    const gone = await pull(l.light, server(new Map([[6, after]]), 64).rpc, {
      keys: [key],
      prefixes: [],
      atTrusted: true,
    });
    expect(gone).toMatchObject({ ok: true, value: { height: 6 } });
    expect(l.advanced()).toBe(1);
  });
});

describe('pullState: a large held listing that changed is re-listed by sub-prefix', () => {
  // A store that keeps items and listings as the real one does (putStateItems' three parts).
  const items = new Map<string, Uint8Array>();
  const listings = new Map<string, Uint8Array>();
  const splitStore = {
    synced: {
      putStateItems(
        put: readonly StateItem[],
        removed: readonly { key: string }[] = [],
        proven: readonly { prefix: string; digest: Uint8Array }[] = [],
      ) {
        for (const i of put) items.set(i.key, i.value);
        for (const r of removed) items.delete(r.key);
        for (const l of proven) listings.set(l.prefix, l.digest);
        return ok(undefined);
      },
      stateValuesUnder: (_c: string, prefix: string) =>
        new Map(
          [...items].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => compareKeys(a, b)),
        ),
      listingsUnder: (_c: string, prefix: string) =>
        new Map([...listings].filter(([p]) => p.startsWith(prefix) && p !== prefix)),
    },
  } as unknown as Store;

  const P = 'roll/u1/';
  const group = (d: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      key: `${P}${d}${String(i).padStart(3, '0')}`,
      value: utf8ToBytes(`${d}${i}`),
    }));
  let entries: StateEntry[] = [...['0', '1', '2', '3'].flatMap((d) => group(d, 5)), ...others];
  let height = 1;
  const trees = new Map<number, ReturnType<typeof tree>>();
  let digest: Uint8Array | undefined;

  /** The chain moves to `next`, and the kiosk pulls the roll holding what it proved last. */
  async function step(next: StateEntry[], fault: Fault = 'none') {
    entries = next;
    height++;
    const t = tree(entries);
    trees.set(height, t);
    const s = server(trees, 3, fault, 0);
    const known = digest === undefined ? undefined : new Map([[P, digest]]);
    const r = await pullState(
      light({ height, appHash: t.root }).light,
      s.rpc,
      splitStore,
      'veche-test',
      { keys: [], prefixes: [P], splitAt: 8, ...(known === undefined ? {} : { known }) },
    );
    if (r.ok) digest = r.value.digests.get(P);
    const listed = s.asked.filter((q) => q.prefix !== null).map((q) => q.prefix);
    return { r, listed: [...new Set(listed)], t };
  }

  const under = (es: readonly StateEntry[], p: string) => es.filter((e) => e.key.startsWith(p));
  const expectHeld = (r: Awaited<ReturnType<typeof step>>['r']) => {
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const want = under(entries, P);
    expect([...r.value.items].filter(([k]) => k.startsWith(P))).toEqual(
      want.sort((a, b) => compareKeys(a.key, b.key)).map((e) => [e.key, e.value]),
    );
    expect([...items].filter(([k]) => k.startsWith(P)).sort()).toEqual(
      want.map((e) => [e.key, e.value]).sort(),
    );
    expect(r.value.digests.get(P)).toEqual(buildStateTree(want).root);
  };

  it('lists whole once, then only what moved; a new sub-prefix or a gap sends it whole', async () => {
    // First pull: whole, and the four sub-prefixes' digests are kept.
    const first = await step(entries);
    expect(first.listed).toEqual([P]);
    expectHeld(first.r);
    for (const d of ['0', '1', '2', '3']) {
      expect(listings.get(`${P}${d}`)).toEqual(buildStateTree(under(entries, `${P}${d}`)).root);
    }

    // One key more under "2": one question for the four digests, one listing of "2".
    const added = await step([...entries, { key: `${P}2999`, value: utf8ToBytes('new') }]);
    expect(added.listed).toEqual([`${P}2`]);
    expectHeld(added.r);
    expect(listings.get(`${P}2`)).toEqual(buildStateTree(under(entries, `${P}2`)).root);

    // A value changed under "0" and everything under "3" gone: "0" is listed, "3" is not
    // (its digest is the empty one), and its keys leave the store.
    const changed = await step(
      entries
        .filter((e) => !e.key.startsWith(`${P}3`))
        .map((e) => (e.key === `${P}0001` ? { ...e, value: utf8ToBytes('changed') } : e)),
    );
    expect(changed.listed).toEqual([`${P}0`]);
    expectHeld(changed.r);

    // A key under a sub-prefix the kiosk does not hold: the kept ones no longer make up the
    // whole, so the prefix is listed whole.
    const fresh = await step([...entries, { key: `${P}7000`, value: utf8ToBytes('seven') }]);
    expect(fresh.listed).toEqual([P]);
    expectHeld(fresh.r);

    // A server that leaves an item out of a moved sub-prefix's listing is refused.
    const before = new Map(items);
    const liar = await step([...entries, { key: `${P}1999`, value: utf8ToBytes('x') }], 'drop-one');
    expect(liar.r).toMatchObject({
      ok: false,
      error: { kind: 'bad-proof', key: `${P}1`, reason: 'listing incomplete' },
    });
    expect(items).toEqual(before);
  });

  it('does not trust sub-prefix digests left from an older split', async () => {
    // The listing shrinks below the split (listed whole, no sub-prefix rows written, the old
    // ones stay), changes again, then one sub-prefix is back to what its old row says. The
    // old rows do not make up the held digest, so they are not trusted: listed whole.
    const g0 = group('0', 5);
    const shrunk = await step([
      { key: `${P}0000`, value: utf8ToBytes('00') },
      { key: `${P}8000`, value: utf8ToBytes('eight') },
      ...others,
    ]);
    // (Its moved sub-prefixes are listed before the fold shows the new one: then whole.)
    expect(shrunk.listed.at(-1)).toBe(P);
    expectHeld(shrunk.r);
    const one = await step([{ key: `${P}0000`, value: utf8ToBytes('00x') }, ...others]);
    expectHeld(one.r);
    expect(one.listed).toEqual([P]);
    // The row of "0" says what "0" will be again (as a row from the first split would).
    listings.set(`${P}0`, buildStateTree(g0).root);
    const back = await step([...g0, ...others]);
    expect(back.listed).toEqual([P]);
    expectHeld(back.r);
  });
});
