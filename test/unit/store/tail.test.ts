// Schema V2: a vote's commit writes no index page. Queued rows stay out of the partial
// indexes and are found in the outbox's tail (from outbox_tail.floor up); these tests pin
// down that lookups, uniqueness, the floor and the migration from V1 keep every guarantee.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/store/schema.js';
import { BallotFactory, openTestStore, tempDir } from './fixtures.js';

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

const indexed = (s: typeof store) =>
  (
    s.db
      .prepare("SELECT count(*) AS n FROM outbox INDEXED BY outbox_ballot WHERE state <> 'queued'")
      .get() as { n: number }
  ).n;
const floor = (s: typeof store) =>
  (s.db.prepare('SELECT floor FROM outbox_tail WHERE id = 1').get() as { floor: number }).floor;

describe('the outbox tail (schema V2)', () => {
  it('a queued ballot is in no index; its first transition puts it there', () => {
    const f = new BallotFactory();
    const [a, b] = [f.next(), f.next()];
    expect(store.outbox.enqueue(a).ok).toBe(true);
    expect(store.outbox.enqueue(b).ok).toBe(true);
    expect(indexed(store)).toBe(0);
    expect(store.outbox.get(b.ballotId)?.state).toBe('queued');
    expect(store.outbox.transition(a.ballotId, { to: 'sent' })).toMatchObject({ ok: true });
    expect(indexed(store)).toBe(1);
    expect(floor(store)).toBe(1);
    expect(store.outbox.get(a.ballotId)).toMatchObject({ kioskSeq: 0, state: 'sent' });
    expect(store.outbox.envelope(a.ballotId)).toEqual(a.envelope);
  });

  it('the floor follows the oldest queued ballot and never passes one', () => {
    const f = new BallotFactory();
    const bs = Array.from({ length: 5 }, () => f.next());
    for (const b of bs) expect(store.outbox.enqueue(b).ok).toBe(true);
    const id = (i: number) => bs[i]?.ballotId ?? new Uint8Array();
    // Out of order: 1 and 2 leave the queue first; 0 still holds the floor.
    store.outbox.transitionMany([
      { ballotId: id(1), transition: { to: 'sent' } },
      { ballotId: id(2), transition: { to: 'rejected', reason: 'invalid-proof' } },
    ]);
    expect(floor(store)).toBe(0);
    store.outbox.transition(id(0), { to: 'sent' });
    expect(floor(store)).toBe(3);
    store.outbox.transitionMany([
      { ballotId: id(3), transition: { to: 'sent' } },
      { ballotId: id(4), transition: { to: 'sent' } },
    ]);
    expect(floor(store)).toBe(5);
    // Every ballot is still found, wherever it is.
    for (const b of bs) expect(store.outbox.get(b.ballotId)?.kioskSeq).toBe(bs.indexOf(b));
    expect(() => store.db.prepare('UPDATE outbox_tail SET floor = 0').run()).toThrow(/forward/);
  });

  it('a stored ballot id is refused under another seq, queued or delivered, across reopen', () => {
    const f = new BallotFactory();
    const a = f.next();
    const b = f.next();
    store.outbox.enqueue(a);
    store.outbox.enqueue(b);
    store.outbox.transition(a.ballotId, { to: 'sent' });
    store.close();
    store = openTestStore(t.dir);
    const head = store.chain.head();
    if (head === undefined) throw new Error('no head');
    for (const clash of [a, b]) {
      // The next link of the chain, reusing an id already stored (delivered a, queued b).
      const next = { ...BallotFactory.after(head).next(), ballotId: clash.ballotId };
      expect(store.outbox.enqueue(next)).toEqual({ ok: false, error: { kind: 'conflict' } });
    }
    // A retry of either is still the harmless duplicate.
    expect(store.outbox.enqueue(a)).toMatchObject({ ok: true, value: { duplicate: true } });
    expect(store.outbox.enqueue(b)).toMatchObject({ ok: true, value: { duplicate: true } });
    expect(store.outbox.pending(10).map((p) => p.kioskSeq)).toEqual([0, 1]);
    expect(store.reconciliation.counts('e-2026-council').cast.byState).toMatchObject({
      queued: 1,
      sent: 1,
    });
  });

  it('the schema refuses a delivered ballot id inserted again behind the outbox', () => {
    const f = new BallotFactory();
    const a = f.next();
    store.outbox.enqueue(a);
    store.outbox.transition(a.ballotId, { to: 'sent' });
    const raw = store.db.prepare(
      `INSERT INTO outbox (kiosk_seq, ballot_id, election_id, kind, state, confirmation_code,
         chain_prev, enqueued_day, envelope) VALUES (9, ?, 'e', 'cast', 'queued', ?, ?, 'd', x'00')`,
    );
    expect(() => raw.run(a.ballotId, a.confirmationCode, a.chainPrev)).toThrow(/stored once/);
  });
});

describe('migration from schema V1', () => {
  it('keeps every row and state, sets the floor at the oldest queued ballot, and works on', () => {
    store.close();
    const path = join(t.dir, 'v1.db');
    const v1 = new Database(path);
    v1.pragma('journal_mode = WAL');
    v1.exec(MIGRATIONS[0]?.sql ?? '');
    v1.pragma('user_version = 1');
    const f = new BallotFactory();
    const bs = Array.from({ length: 4 }, () => f.next());
    const ins = v1.prepare(
      `INSERT INTO outbox (kiosk_seq, ballot_id, election_id, kind, state, confirmation_code,
         chain_prev, enqueued_day, envelope) VALUES (?, ?, ?, 'cast', ?, ?, ?, '2026-11-01', ?)`,
    );
    const states = ['final', 'queued', 'sent', 'queued'];
    bs.forEach((b, i) =>
      ins.run(
        b.kioskSeq,
        b.ballotId,
        b.electionId,
        states[i],
        b.confirmationCode,
        b.chainPrev,
        b.envelope,
      ),
    );
    v1.close();
    store = openTestStore(t.dir, { path });
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(floor(store)).toBe(1);
    expect(bs.map((b) => store.outbox.get(b.ballotId)?.state)).toEqual(states);
    expect(store.chain.verify()).toMatchObject({ ok: true });
    expect(store.outbox.pending(10).map((p) => p.kioskSeq)).toEqual([1, 2, 3]);
    store.outbox.transition(bs[1]?.ballotId ?? new Uint8Array(), { to: 'sent' });
    expect(floor(store)).toBe(3);
    expect(store.outbox.enqueue(f.next()).ok).toBe(true);
    // The V1 triggers came back with the rebuilt table.
    expect(() => store.db.prepare('DELETE FROM outbox').run()).toThrow(/never deleted/);
    expect(() => store.db.prepare("UPDATE outbox SET state = 'queued'").run()).toThrow(/forward/);
  });
});
