import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENTS } from '../../../src/shared/events.js';
import type { VerifiedHeader } from '../../../src/store/synced.js';
import { openTestStore, STAFF, tempDir } from './fixtures.js';

const vset = new Uint8Array(32).fill(1);
const header = (height: number, fill = height): VerifiedHeader => ({
  chainId: 'veche-devnet',
  height,
  hash: new Uint8Array(32).fill(fill),
  header: new Uint8Array(100).fill(2),
  commit: new Uint8Array(300).fill(3),
  validatorsHash: vset,
  appHash: new Uint8Array(32).fill(4),
});

describe('synced chain data', () => {
  let t: ReturnType<typeof tempDir>;
  let store: ReturnType<typeof openTestStore>;
  beforeEach(() => {
    t = tempDir();
    store = openTestStore(t.dir);
  });
  afterEach(() => {
    store.close();
    t.cleanup();
  });

  it('stores verified headers after their validator set; the newest survives a restart', () => {
    expect(store.synced.putHeader(header(1))).toEqual({
      ok: false,
      error: { kind: 'missing-reference' },
    });
    expect(store.synced.putValidatorSet(vset, new Uint8Array(64)).ok).toBe(true);
    expect(store.synced.putValidatorSet(vset, new Uint8Array(64)).ok).toBe(true);
    for (const h of [1, 2, 5]) expect(store.synced.putHeader(header(h)).ok).toBe(true);
    expect(store.synced.putHeader(header(2)).ok).toBe(true); // same header again: fine
    store.close();
    store = openTestStore(t.dir);
    expect(store.synced.latestHeader('veche-devnet')).toEqual(header(5));
    expect(store.synced.validatorSet(vset)).toEqual(new Uint8Array(64));
  });

  it('refuses a different header at a stored height as a fork, keeping the first', () => {
    store.synced.putValidatorSet(vset, new Uint8Array(64));
    store.synced.putHeader(header(3));
    expect(store.synced.putHeader(header(3, 99))).toEqual({
      ok: false,
      error: { kind: 'fork', storedHash: new Uint8Array(32).fill(3) },
    });
    expect(store.synced.header('veche-devnet', 3)?.hash).toEqual(new Uint8Array(32).fill(3));
  });

  it('state items need their header, batches are all-or-nothing, older proofs never replace newer', () => {
    store.synced.putValidatorSet(vset, new Uint8Array(64));
    store.synced.putHeader(header(4));
    store.synced.putHeader(header(6));
    const item = (key: string, height: number, v: number) => ({
      chainId: 'veche-devnet',
      key,
      height,
      value: new Uint8Array([v]),
      proof: new Uint8Array([v, v]),
    });
    expect(store.synced.putStateItems([item('a', 6, 1), item('b', 5, 1)])).toEqual({
      ok: false,
      error: { kind: 'missing-reference' },
    });
    expect(store.synced.stateItem('veche-devnet', 'a')).toBeUndefined();
    expect(store.synced.putStateItems([item('a', 6, 1)]).ok).toBe(true);
    expect(store.synced.putStateItems([item('a', 4, 2)]).ok).toBe(true);
    expect(store.synced.stateItem('veche-devnet', 'a')).toMatchObject({
      height: 6,
      value: new Uint8Array([1]),
    });
    // The same value proven again later keeps its first proof; a new value replaces it.
    store.synced.putHeader(header(7));
    expect(store.synced.putStateItems([item('a', 7, 1)]).ok).toBe(true);
    expect(store.synced.stateItem('veche-devnet', 'a')).toMatchObject({
      height: 6,
      proof: new Uint8Array([1, 1]),
    });
    expect(store.synced.putStateItems([item('a', 7, 3)]).ok).toBe(true);
    expect(store.synced.stateItem('veche-devnet', 'a')).toMatchObject({
      height: 7,
      value: new Uint8Array([3]),
    });
  });

  it('reads the values under a prefix (byte order, nothing outside it) and deletes with a put', () => {
    store.synced.putValidatorSet(vset, new Uint8Array(64));
    store.synced.putHeader(header(4));
    const at = (key: string, v: number) => ({
      chainId: 'veche-devnet',
      key,
      height: 4,
      value: new Uint8Array([v]),
      proof: new Uint8Array([v]),
    });
    const keys = [
      'roll/u/a',
      'roll/u/ж',
      'roll/u/\u{1F600}',
      'roll/u/\u{10FFFF}x',
      'roll/u',
      'roll/u0/x',
      'roll/v/a',
    ];
    expect(store.synced.putStateItems(keys.map((k, i) => at(k, i))).ok).toBe(true);
    expect([...store.synced.stateValuesUnder('veche-devnet', 'roll/u/').keys()].sort()).toEqual(
      ['roll/u/a', 'roll/u/ж', 'roll/u/\u{1F600}', 'roll/u/\u{10FFFF}x'].sort(),
    );
    // In key order (UTF-8 bytes), as a restored view hashes them.
    expect(store.synced.storedListing('veche-devnet', 'roll/u/').items.map(([k]) => k)).toEqual([
      'roll/u/a',
      'roll/u/ж',
      'roll/u/\u{1F600}',
      'roll/u/\u{10FFFF}x',
    ]);
    expect(store.synced.stateValuesUnder('other-chain', 'roll/u/').size).toBe(0);
    const gone = [{ chainId: 'veche-devnet', key: 'roll/u/ж' }];
    expect(store.synced.putStateItems([at('roll/u/b', 9)], gone).ok).toBe(true);
    expect(
      [...store.synced.stateValuesUnder('veche-devnet', 'roll/u/')].map(([k]) => k).sort(),
    ).toEqual(['roll/u/a', 'roll/u/b', 'roll/u/\u{1F600}', 'roll/u/\u{10FFFF}x'].sort());
    // All or nothing: a failed put deletes nothing.
    const bad = { ...at('roll/u/c', 1), height: 99 };
    expect(
      store.synced.putStateItems([bad], [{ chainId: 'veche-devnet', key: 'roll/u/a' }]).ok,
    ).toBe(false);
    expect(store.synced.stateItem('veche-devnet', 'roll/u/a')).toBeDefined();
  });

  it('records the height and digest each listing was proven at; never an older one over a newer', () => {
    store.synced.putValidatorSet(vset, new Uint8Array(64));
    for (const h of [4, 6]) store.synced.putHeader(header(h));
    const item = {
      chainId: 'veche-devnet',
      key: 'roll/u/a',
      height: 4,
      value: new Uint8Array([1]),
      proof: new Uint8Array([1]),
    };
    const proven = (height: number, d: number) => ({
      chainId: 'veche-devnet',
      prefix: 'roll/u/',
      height,
      digest: new Uint8Array(32).fill(d),
    });
    // Before any listing is recorded, the items' newest height stands in.
    expect(store.synced.putStateItems([item]).ok).toBe(true);
    expect(store.synced.storedListing('veche-devnet', 'roll/u/')).toMatchObject({
      height: 4,
      proven: null,
    });
    expect(store.synced.putStateItems([], [], [proven(6, 2)]).ok).toBe(true);
    expect(store.synced.storedListing('veche-devnet', 'roll/u/')).toMatchObject({
      height: 6,
      proven: { height: 6, digest: new Uint8Array(32).fill(2) },
    });
    // An older proof does not replace a newer one; a height without a stored header, or a
    // digest of the wrong size, is refused and writes nothing.
    expect(store.synced.putStateItems([], [], [proven(4, 1)]).ok).toBe(true);
    expect(store.synced.storedListing('veche-devnet', 'roll/u/').proven?.height).toBe(6);
    const later = { ...item, key: 'roll/u/b', height: 6 };
    expect(store.synced.putStateItems([later], [], [proven(9, 3)])).toMatchObject({
      ok: false,
      error: { kind: 'missing-reference' },
    });
    expect(store.synced.stateItem('veche-devnet', 'roll/u/b')).toBeUndefined();
    const short = { ...proven(6, 3), digest: new Uint8Array(31) };
    expect(store.synced.putStateItems([], [], [short])).toMatchObject({
      ok: false,
      error: { kind: 'invalid' },
    });
  });
});

describe('polls and staff events', () => {
  let t: ReturnType<typeof tempDir>;
  let store: ReturnType<typeof openTestStore>;
  beforeEach(() => {
    t = tempDir();
    store = openTestStore(t.dir);
  });
  afterEach(() => {
    store.close();
    t.cleanup();
  });

  it('open → pause → open → close, each with a staff event and an audit entry in one commit', () => {
    const e = 'e-2026-council';
    expect(store.polls.state(e)).toBe('not-opened');
    expect(store.polls.apply(e, 'pause', STAFF)).toEqual({
      ok: false,
      error: { kind: 'not-allowed', current: 'not-opened' },
    });
    for (const [a, s] of [
      ['open', 'open'],
      ['pause', 'paused'],
      ['open', 'open'],
      ['close', 'closed'],
    ] as const) {
      expect(store.polls.apply(e, a, STAFF)).toEqual({ ok: true, value: s });
    }
    expect(store.polls.apply(e, 'open', STAFF)).toEqual({
      ok: false,
      error: { kind: 'not-allowed', current: 'closed' },
    });
    const events = store.polls.staffEvents(e);
    expect(events.map((x) => x.action)).toEqual([
      EVENTS.pollsOpen,
      EVENTS.pollsPause,
      EVENTS.pollsOpen,
      EVENTS.pollsClose,
    ]);
    const audit = store.audit.entries(0, 100);
    for (const ev of events)
      expect(audit.find((x) => x.seq === ev.auditSeq)?.event).toBe(ev.action);
    expect(store.audit.verify()).toMatchObject({ ok: true });
  });
});
