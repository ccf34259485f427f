import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BallotFactory, openTestStore, tempDir } from './fixtures.js';
import { SCHEMA_VERSION } from '../../../src/store/schema.js';

describe('outbox', () => {
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

  it('opens with WAL, synchronous FULL, foreign keys and STRICT tables', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = store.db
      .prepare<[], { name: string; strict: number }>(
        "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'",
      )
      .all();
    expect(tables.map((x) => x.name).sort()).toEqual([
      'audit_log',
      'evidence',
      'headers',
      'linked_headers',
      'outbox',
      'outbox_tail',
      'polls',
      'staff_events',
      'state_items',
      'state_listings',
      'validator_sets',
    ]);
    for (const tb of tables) expect(tb, tb.name).toMatchObject({ strict: 1 });
  });

  it('records a ballot and reports it as recorded; a retry is a harmless duplicate', () => {
    const f = new BallotFactory();
    const b = f.next();
    const r = store.outbox.enqueue(b);
    expect(r).toEqual({ ok: true, value: { recorded: true, kioskSeq: 0, duplicate: false } });
    expect(store.outbox.enqueue(b)).toEqual({
      ok: true,
      value: { recorded: true, kioskSeq: 0, duplicate: true },
    });
    const row = store.outbox.get(b.ballotId);
    expect(row).toMatchObject({
      kioskSeq: 0,
      state: 'queued',
      kind: 'cast',
      day: '2026-11-01',
      rejectReason: null,
    });
    expect(Buffer.from(store.outbox.envelope(b.ballotId) ?? [])).toEqual(Buffer.from(b.envelope));
  });

  it('refuses a different ballot under a stored id, seq or code, and a broken chain', () => {
    const f = new BallotFactory();
    const a = f.next();
    expect(store.outbox.enqueue(a).ok).toBe(true);
    expect(store.outbox.enqueue({ ...a, envelope: new Uint8Array(10) })).toEqual({
      ok: false,
      error: { kind: 'conflict' },
    });
    const b = f.next();
    expect(store.outbox.enqueue({ ...b, kioskSeq: 5 })).toEqual({
      ok: false,
      error: { kind: 'chain-break', expectedSeq: 1 },
    });
    expect(store.outbox.enqueue({ ...b, chainPrev: new Uint8Array(32).fill(9) })).toEqual({
      ok: false,
      error: { kind: 'chain-break', expectedSeq: 1 },
    });
    expect(store.outbox.enqueue({ ...b, kioskSeq: 0 })).toEqual({
      ok: false,
      error: { kind: 'conflict' },
    });
    // The next link in every way, but under an id already stored: refused, nothing written.
    expect(store.outbox.enqueue({ ...b, ballotId: a.ballotId })).toEqual({
      ok: false,
      error: { kind: 'conflict' },
    });
    expect(store.chain.verify()).toMatchObject({ ok: true, links: 1 });
    expect(store.outbox.enqueue(b).ok).toBe(true);
    expect(store.chain.verify()).toMatchObject({ ok: true, links: 2 });
  });

  it('rejects malformed input by field name without echoing values', () => {
    const b = new BallotFactory().next();
    const r = store.outbox.enqueue({
      ...b,
      electionId: 'Name Surname',
      ballotId: new Uint8Array(3),
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toEqual({ kind: 'invalid', fields: ['ballotId', 'electionId'] });
    const extra = { ...b, voterName: 'x' } as unknown as typeof b;
    expect(store.outbox.enqueue(extra)).toEqual({
      ok: false,
      error: { kind: 'invalid', fields: ['$: unknown keys'] },
    });
  });

  it('moves states forward only; repeats are idempotent; terminal states stay', () => {
    const f = new BallotFactory();
    const a = f.next();
    const b = f.next();
    store.outbox.enqueue(a);
    store.outbox.enqueue(b);
    expect(store.outbox.transition(a.ballotId, { to: 'sent' })).toEqual({
      ok: true,
      value: { changed: true, state: 'sent' },
    });
    expect(store.outbox.transition(a.ballotId, { to: 'sent' })).toEqual({
      ok: true,
      value: { changed: false, state: 'sent' },
    });
    expect(store.outbox.transition(a.ballotId, { to: 'included', height: 7 }).ok).toBe(true);
    expect(
      store.outbox.transition(a.ballotId, { to: 'receipted', receipt: new Uint8Array(8) }),
    ).toEqual({
      ok: false,
      error: { kind: 'stale', current: 'included' },
    });
    expect(
      store.outbox.transition(a.ballotId, { to: 'rejected', reason: 'invalid-proof' }),
    ).toEqual({
      ok: false,
      error: { kind: 'stale', current: 'included' },
    });
    expect(store.outbox.transition(a.ballotId, { to: 'final', height: 8 }).ok).toBe(true);
    expect(store.outbox.transition(a.ballotId, { to: 'sent' })).toEqual({
      ok: false,
      error: { kind: 'terminal', current: 'final' },
    });
    expect(
      store.outbox.transition(b.ballotId, { to: 'rejected', reason: 'duplicate-nullifier' }).ok,
    ).toBe(true);
    expect(store.outbox.get(b.ballotId)).toMatchObject({
      state: 'rejected',
      rejectReason: 'duplicate-nullifier',
    });
    expect(store.outbox.transition(b.ballotId, { to: 'final', height: 9 })).toEqual({
      ok: false,
      error: { kind: 'terminal', current: 'rejected' },
    });
    expect(store.outbox.transition(new Uint8Array(32), { to: 'sent' })).toEqual({
      ok: false,
      error: { kind: 'unknown-ballot' },
    });
    expect(store.outbox.pending(10)).toEqual([]);
  });

  it('the schema itself refuses backward moves, deletes and rewrites (defence in depth)', () => {
    const a = new BallotFactory().next();
    store.outbox.enqueue(a);
    store.outbox.transition(a.ballotId, { to: 'receipted', receipt: new Uint8Array(4) });
    expect(() => store.db.prepare("UPDATE outbox SET state = 'sent'").run()).toThrow(/forward/);
    expect(() => store.db.prepare('DELETE FROM outbox').run()).toThrow(/never deleted/);
    expect(() => store.db.prepare('UPDATE outbox SET envelope = x00').run()).toThrow();
    expect(() => store.db.prepare('UPDATE outbox SET chain_prev = zeroblob(32)').run()).toThrow(
      /immutable/,
    );
    expect(() =>
      store.db.prepare('UPDATE outbox SET confirmation_code = zeroblob(32)').run(),
    ).toThrow(/immutable/);
    expect(() => store.db.prepare('UPDATE audit_log SET event = 1').run()).toThrow(/append-only/);
  });

  it('transitionMany applies a sync round in one commit with per-item outcomes', () => {
    const f = new BallotFactory();
    const [b0, b1, b2] = [f.next(), f.next(), f.next()];
    for (const b of [b0, b1, b2]) store.outbox.enqueue(b);
    const r = store.outbox.transitionMany([
      { ballotId: b0.ballotId, transition: { to: 'final', height: 3 } },
      { ballotId: b1.ballotId, transition: { to: 'sent' } },
      { ballotId: new Uint8Array(32), transition: { to: 'sent' } },
    ]);
    expect(r.ok && r.value.map((x) => x.ok)).toEqual([true, true, false]);
    expect(store.outbox.pending(10).map((p) => [p.kioskSeq, p.state])).toEqual([
      [1, 'sent'],
      [2, 'queued'],
    ]);
    expect(store.outbox.pending(10, 1).map((p) => p.kioskSeq)).toEqual([2]);
  });

  it('refuses enqueue inside an outer transaction, where "recorded" would not be durable', () => {
    const b = new BallotFactory().next();
    expect(() => store.db.transaction(() => store.outbox.enqueue(b))()).toThrow(/own transaction/);
  });

  it('keeps one writer: a second open of the same file is refused as locked', () => {
    const again = (() => {
      try {
        return openTestStore(t.dir);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(again).toBeInstanceOf(Error);
    expect(String(again)).toMatch(/locked/);
  });

  it('survives close and reopen; migrations are not re-applied', () => {
    const f = new BallotFactory();
    const a = f.next();
    store.outbox.enqueue(a);
    store.close();
    store = openTestStore(t.dir);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.outbox.get(a.ballotId)?.state).toBe('queued');
    const g = BallotFactory.after(store.chain.head());
    expect(store.outbox.enqueue(g.next()).ok).toBe(true);
    expect(store.audit.verify()).toMatchObject({ ok: true });
  });
});
