import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../../src/protocol/encoding.js';
import { EVENTS } from '../../../src/shared/events.js';
import { memoryLogger } from '../../../src/shared/log.js';
import { AUDIT_DETAILS } from '../../../src/store/audit-catalogue.js';
import { auditEntryHash, AUDIT_GENESIS } from '../../../src/store/audit.js';
import { openTestStore, STAFF, tempDir } from './fixtures.js';

type TestStore = ReturnType<typeof openTestStore>;

function appendSome(store: TestStore, n: number): void {
  for (let i = 0; i < n; i++) {
    const r =
      i % 3 === 0
        ? store.audit.append(EVENTS.syncOk, {
            height: i,
            submitted: i,
            receipted: 0,
            finalized: 1,
            rejected: 0,
          })
        : i % 3 === 1
          ? store.audit.append(EVENTS.deviceFault, { device: 'printer', fault: 'paper-out' })
          : store.audit.append(EVENTS.staffSignIn, { staffId: STAFF });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    store.clock.advance(1000);
  }
}

describe('audit log', () => {
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

  it('chains entries: hash(n) covers seq, time, event, detail and hash(n-1)', () => {
    // Entry 1 is the store's own migration record.
    expect(store.audit.entries(0, 10).map((e) => e.event)).toEqual([EVENTS.storeMigrate]);
    appendSome(store, 2);
    const [e1, e2, e3] = store.audit.entries(0, 10);
    expect(e1?.prev).toEqual(AUDIT_GENESIS);
    expect(e2?.prev).toEqual(e1?.hash);
    expect(e3?.prev).toEqual(e2?.hash);
    if (e1 === undefined) throw new Error('no entry');
    expect(e1.hash).toEqual(auditEntryHash(e1));
    expect(store.audit.verify()).toEqual({ ok: true, entries: 3, head: store.audit.head() });
    expect(store.audit.head().seq).toBe(3);
  });

  it('refuses unknown keys, free text and unknown events, naming fields only', () => {
    const bad = { staffId: STAFF, name: 'Ivanova' } as unknown as { staffId: string };
    expect(store.audit.append(EVENTS.staffSignIn, bad)).toEqual({
      ok: false,
      error: { kind: 'invalid-detail', fields: ['$: unknown keys'] },
    });
    expect(store.audit.append(EVENTS.staffSignIn, { staffId: 'Ivanova Maryna' })).toEqual({
      ok: false,
      error: { kind: 'invalid-detail', fields: ['staffId'] },
    });
    const ev = 'ballot.seal.ok' as unknown as typeof EVENTS.staffSignIn;
    expect(store.audit.append(ev, { staffId: STAFF })).toEqual({
      ok: false,
      error: { kind: 'unknown-event' },
    });
    expect(store.audit.head().seq).toBe(1);
  });

  it('every catalogued schema refuses an unknown key', () => {
    for (const [event, schema] of Object.entries(AUDIT_DETAILS)) {
      expect(schema.safeParse({ documentNumber: 'MP1234567' }).success, event).toBe(false);
      expect(event.startsWith('ballot.'), event).toBe(false);
    }
  });

  it('detects a cut-off tail against an anchor', () => {
    appendSome(store, 5);
    const anchor = store.audit.head();
    expect(store.audit.verify(anchor)).toMatchObject({ ok: true });
    store.close();
    const raw = new Database(join(t.dir, 'kiosk.db'));
    raw.exec('DROP TRIGGER audit_no_delete; DELETE FROM audit_log WHERE seq >= 4');
    raw.close();
    const logger = memoryLogger();
    store = openTestStore(t.dir, { logger });
    expect(anchor.seq).toBe(6);
    expect(store.audit.verify()).toMatchObject({ ok: true, entries: 3 });
    expect(store.audit.verify(anchor)).toEqual({
      ok: false,
      firstBadSeq: 4,
      fault: 'anchor-mismatch',
    });
    expect(logger.lines.map((l) => [l['event'], l['firstBadSeq'] ?? l['entries']])).toEqual(
      expect.arrayContaining([
        [EVENTS.auditVerifyOk, 3],
        [EVENTS.auditVerifyFailed, 4],
      ]),
    );
  });
});

const TAMPERS = [
  'detail',
  'undecodable',
  'time',
  'event',
  'prev',
  'hash',
  'delete',
  'move',
] as const;

describe('audit tampering (property)', () => {
  it('tampering with any single entry is detected at exactly that entry', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 25 }),
        fc.nat(),
        fc.constantFrom(...TAMPERS),
        (n, pick, tamper) => {
          const t = tempDir();
          try {
            let store = openTestStore(t.dir);
            appendSome(store, n);
            const total = store.audit.head().seq;
            expect(store.audit.verify()).toMatchObject({ ok: true, entries: total });
            store.close();
            const target = (pick % total) + 1;
            const raw = new Database(join(t.dir, 'kiosk.db'));
            raw.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete');
            const sql: Record<(typeof TAMPERS)[number], () => void> = {
              detail: () =>
                raw
                  .prepare('UPDATE audit_log SET detail = ? WHERE seq = ?')
                  .run(encodeCanonical({ x: 1 }), target),
              undecodable: () =>
                raw.prepare("UPDATE audit_log SET detail = x'ff' WHERE seq = ?").run(target),
              time: () =>
                raw.prepare('UPDATE audit_log SET time_ms = time_ms + 1 WHERE seq = ?').run(target),
              event: () =>
                raw.prepare("UPDATE audit_log SET event = 'polls.open' WHERE seq = ?").run(target),
              prev: () =>
                raw
                  .prepare('UPDATE audit_log SET prev = ? WHERE seq = ?')
                  .run(Buffer.alloc(32, 1), target),
              hash: () =>
                raw.prepare('UPDATE audit_log SET hash = zeroblob(32) WHERE seq = ?').run(target),
              delete: () => raw.prepare('DELETE FROM audit_log WHERE seq = ?').run(target),
              move: () =>
                raw.prepare('UPDATE audit_log SET seq = seq + 1000 WHERE seq = ?').run(target),
            };
            sql[tamper]();
            raw.close();
            store = openTestStore(t.dir);
            const v = store.audit.verify();
            store.close();
            // Deleting the last entry leaves a shorter, valid chain: only an anchor sees a cut
            // tail (tested above), so that case must not be reported anywhere else either.
            if (tamper === 'delete' && target === total) {
              expect(v).toMatchObject({ ok: true, entries: total - 1 });
            } else {
              expect(v).toMatchObject({ ok: false, firstBadSeq: target });
            }
          } finally {
            t.cleanup();
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});
