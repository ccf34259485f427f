import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../../../src/protocol/hash.js';
import { verifyExport } from '../../../src/store/export.js';
import { PENDING_SQL, type Transition } from '../../../src/store/outbox.js';
import type { ListFilter } from '../../../src/store/reconcile.js';
import {
  OUTBOX_STATES,
  REJECT_REASONS,
  type BallotKind,
  type OutboxState,
  type RejectReason,
} from '../../../src/store/states.js';
import { BallotFactory, openTestStore, STAFF, tempDir, testSigner } from './fixtures.js';

type TestStore = ReturnType<typeof openTestStore>;

interface ModelRow {
  seq: number;
  election: string;
  kind: BallotKind;
  state: OutboxState;
  reason: RejectReason | null;
}

const ELECTIONS = ['e-a', 'e-b'];
const TRANSITIONS: Transition[] = [
  { to: 'sent' },
  { to: 'receipted', receipt: new Uint8Array(4) },
  { to: 'included', height: 1 },
  { to: 'final', height: 2 },
  ...REJECT_REASONS.slice(0, 3).map((reason) => ({ to: 'rejected' as const, reason })),
];

/** Builds a store from random ops and the model of what it should hold. */
function populate(
  store: TestStore,
  ops: Array<{ election: number; kind: boolean; moves: number[] }>,
): ModelRow[] {
  const f = new BallotFactory();
  const model: ModelRow[] = [];
  for (const op of ops) {
    const b = f.next({
      electionId: ELECTIONS[op.election] ?? 'e-a',
      kind: op.kind ? 'challenged' : 'cast',
      size: 64,
    });
    expect(store.outbox.enqueue(b).ok).toBe(true);
    const row: ModelRow = {
      seq: b.kioskSeq,
      election: b.electionId,
      kind: b.kind,
      state: 'queued',
      reason: null,
    };
    for (const m of op.moves) {
      const t = TRANSITIONS[m % TRANSITIONS.length] ?? { to: 'sent' };
      const r = store.outbox.transition(b.ballotId, t);
      if (r.ok && r.value.changed) {
        row.state = t.to;
        if (t.to === 'rejected') row.reason = t.reason;
      }
    }
    model.push(row);
  }
  return model;
}

function listAll(store: TestStore, election: string, filter: ListFilter): number[] {
  const out: number[] = [];
  let afterSeq = -1;
  for (;;) {
    const page = store.reconciliation.list(election, filter, { afterSeq, limit: 3 });
    out.push(...page.map((r) => r.kioskSeq));
    if (page.length < 3) return out;
    afterSeq = page[page.length - 1]?.kioskSeq ?? afterSeq;
  }
}

describe('reconciliation', () => {
  let t: ReturnType<typeof tempDir>;
  let store: TestStore;
  beforeEach(() => {
    t = tempDir();
    store = openTestStore(t.dir);
  });
  afterEach(() => {
    store.close();
    t.cleanup();
  });

  it('counts and the list behind every number match a model (property)', () => {
    const op = fc.record({
      election: fc.integer({ min: 0, max: 1 }),
      kind: fc.boolean(),
      moves: fc.array(fc.nat(), { maxLength: 4 }),
    });
    let run = 0;
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        store.close();
        store = openTestStore(t.dir, { path: `${t.dir}/r${run++}.db` });
        const model = populate(store, ops);
        expect(store.reconciliation.elections()).toEqual(
          ELECTIONS.filter((e) => model.some((r) => r.election === e)),
        );
        for (const election of ELECTIONS) {
          const c = store.reconciliation.counts(election);
          for (const kind of ['cast', 'challenged'] as const) {
            const mine = model.filter((r) => r.election === election && r.kind === kind);
            expect(c[kind].total).toBe(mine.length);
            expect(listAll(store, election, { kind })).toEqual(mine.map((r) => r.seq));
            for (const state of OUTBOX_STATES) {
              const s = mine.filter((r) => r.state === state);
              expect(c[kind].byState[state]).toBe(s.length);
              expect(listAll(store, election, { kind, state })).toEqual(s.map((r) => r.seq));
            }
            for (const reason of REJECT_REASONS) {
              const s = mine.filter((r) => r.reason === reason);
              expect(c[kind].rejectedByReason[reason]).toBe(s.length);
              expect(listAll(store, election, { kind, state: 'rejected', reason })).toEqual(
                s.map((r) => r.seq),
              );
            }
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('counts, lists and pending are index ranges (no table scan; lists need no sort)', () => {
    const plan = (sql: string, ...args: unknown[]) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join(' | ');
    const countPlan = plan(
      `SELECT kind, state, reject_reason, count(*) FROM outbox INDEXED BY outbox_reconcile
       WHERE state IN ('sent', 'receipted', 'included', 'final', 'rejected')
         AND state <> 'queued' AND election_id = ? GROUP BY kind, state, reject_reason`,
      'e-a',
    );
    expect(countPlan).toMatch(/COVERING INDEX outbox_reconcile \(state=\? AND election_id=\?\)/);
    expect(countPlan).not.toMatch(/SCAN/);
    // Queued rows (not in the partial index): a rowid range from the tail's floor.
    const queuedPlan = plan(
      `SELECT kind, count(*) FROM outbox
       WHERE kiosk_seq >= (SELECT floor FROM outbox_tail WHERE id = 1) AND state = 'queued'
         AND election_id = ? GROUP BY kind`,
      'e-a',
    );
    expect(queuedPlan).toMatch(/SEARCH outbox USING INTEGER PRIMARY KEY \(rowid>\?\)/);
    expect(queuedPlan).not.toMatch(/SCAN outbox/);
    const listPlan = plan(
      `SELECT kiosk_seq FROM outbox INDEXED BY outbox_reconcile WHERE state = ?
       AND state <> 'queued' AND election_id = ? AND kind = ? AND reject_reason IS NULL
       AND kiosk_seq > ? ORDER BY kiosk_seq LIMIT 10`,
      'final',
      'e-a',
      'cast',
      0,
    );
    expect(listPlan).toMatch(
      /INDEX outbox_reconcile \(state=\? AND election_id=\? AND kind=\? AND reject_reason=\? AND rowid>\?\)/,
    );
    expect(listPlan).not.toMatch(/TEMP B-TREE/);
    // Undelivered ballots (the store's own query): the tail's rowid range merged with the
    // kiosk-ordered partial index of the other undelivered states; no walk over the final
    // rows, and no sort of every undelivered row for each page.
    const pendingPlan = plan(PENDING_SQL, { after: 0, limit: 10 });
    expect(pendingPlan).toMatch(/MERGE \(UNION ALL\)/);
    expect(pendingPlan).toMatch(/INDEX outbox_undelivered \(kiosk_seq>\?\)/);
    expect(pendingPlan).toMatch(/INTEGER PRIMARY KEY \(rowid>\?\)/);
    expect(pendingPlan).not.toMatch(/SCAN|TEMP B-TREE/);
    // A ballot id is found through the partial UNIQUE index once delivered.
    const byIdPlan = plan(
      `SELECT kiosk_seq FROM outbox INDEXED BY outbox_ballot
       WHERE ballot_id = ? AND state <> 'queued'`,
      new Uint8Array(32),
    );
    expect(byIdPlan).toMatch(/INDEX outbox_ballot \(ballot_id=\?\)/);
  });
});

describe('signed export', () => {
  let t: ReturnType<typeof tempDir>;
  let store: TestStore;
  beforeEach(() => {
    t = tempDir();
    store = openTestStore(t.dir);
    populate(
      store,
      Array.from({ length: 12 }, (_, i) => ({
        election: 0,
        kind: i % 5 === 0,
        moves: [i % 7, (i * 3) % 7],
      })),
    );
  });
  afterEach(() => {
    store.close();
    t.cleanup();
  });

  it('JSON: verifies, carries counts, rows, audit head; whitespace does not matter; edits do', () => {
    const signer = testSigner();
    const r = store.exportReconciliation('e-a', 'json', signer, STAFF);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const v = verifyExport(r.value, signer.publicKey);
    if (!v.ok) throw new Error(JSON.stringify(v.error));
    const doc = v.value.document;
    if (doc === undefined) throw new Error('JSON export without document');
    expect(doc.counts).toEqual({
      cast: store.reconciliation.counts('e-a').cast,
      challenged: store.reconciliation.counts('e-a').challenged,
    });
    expect(doc.ballots.map((b) => b.kioskSeq)).toEqual([...Array(12).keys()]);
    expect(doc.auditHead).toEqual({
      seq: store.audit.head().seq,
      hash: toHex(store.audit.head().hash),
    });
    expect(store.audit.entries(doc.auditHead.seq - 1, 1)[0]).toMatchObject({
      event: 'export.written',
      detail: { staffId: STAFF, electionId: 'e-a', format: 'json', rows: 12 },
    });

    expect(verifyExport(JSON.stringify(JSON.parse(r.value)), signer.publicKey).ok).toBe(true);
    const edited = r.value.replace(
      /"state": "(\w+)"/,
      (_, s: string) => `"state": "${s === 'final' ? 'queued' : 'final'}"`,
    );
    expect(edited).not.toBe(r.value);
    expect(verifyExport(edited)).toEqual({ ok: false, error: { kind: 'bad-signature' } });
    expect(verifyExport(r.value, testSigner().publicKey)).toEqual({
      ok: false,
      error: { kind: 'unexpected-key' },
    });
    expect(verifyExport('{"document": 1}')).toEqual({ ok: false, error: { kind: 'malformed' } });
  });

  it('CSV: verifies byte for byte; any changed byte fails', () => {
    const signer = testSigner();
    const r = store.exportReconciliation('e-a', 'csv', signer, STAFF);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(verifyExport(r.value, signer.publicKey)).toMatchObject({
      ok: true,
      value: { format: 'csv' },
    });
    const lines = r.value.split('\n');
    expect(lines.filter((l) => l.startsWith('ballot,'))).toHaveLength(12);
    expect(lines).toContain(`count,cast,total,${store.reconciliation.counts('e-a').cast.total}`);
    fc.assert(
      fc.property(fc.nat({ max: r.value.lastIndexOf('signature,') - 1 }), (i) => {
        const c = r.value[i] === '1' ? '2' : '1';
        const tampered = r.value.slice(0, i) + c + r.value.slice(i + 1);
        expect(verifyExport(tampered).ok).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses an export whose staff id is not a roster fingerprint, and writes nothing', () => {
    const before = store.audit.head().seq;
    expect(store.exportReconciliation('e-a', 'json', testSigner(), 'Ivanova')).toMatchObject({
      ok: false,
      error: { kind: 'invalid-detail' },
    });
    expect(store.audit.head().seq).toBe(before);
  });
});
