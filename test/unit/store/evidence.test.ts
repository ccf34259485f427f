// The evidence table (schema V3): a witness conflict stored by the sync node is an open alarm
// until a technician resolves it, it survives a restart, and it is never rewritten.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewEvidence } from '../../../src/store/evidence.js';
import { SCHEMA_VERSION } from '../../../src/store/schema.js';
import { openTestStore, tempDir } from './fixtures.js';

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

const ev = (height: number, over: Partial<NewEvidence> = {}): NewEvidence => ({
  chainId: 'veche-devnet',
  height,
  commonHeight: 1,
  primaryPeer: '12D3KooWPrimary',
  witnessPeer: '12D3KooWWitness',
  body: new Uint8Array([0xa1, height & 0xff]),
  ...over,
});

describe('evidence', () => {
  it('records an open alarm that a reopened store still reports, oldest first', () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
    store.clock.advance(5_000);
    const at = store.clock.now();
    const a = store.evidence.record(ev(7));
    const b = store.evidence.record(ev(9));
    expect(a.ok && b.ok).toBe(true);
    store.close();
    store = openTestStore(t.dir);
    const open = store.evidence.open('veche-devnet');
    expect(open).toMatchObject({
      id: a.ok ? a.value : -1,
      height: 7,
      commonHeight: 1,
      primaryPeer: '12D3KooWPrimary',
      createdMs: at,
      resolvedMs: null,
    });
    expect(open?.body).toEqual(new Uint8Array([0xa1, 7]));
    expect(store.evidence.open('another-chain')).toBeUndefined();
    expect(store.evidence.list('veche-devnet').map((r) => r.height)).toEqual([7, 9]);
  });

  it('resolves once; a resolved row is no longer the alarm but stays listed', () => {
    const a = store.evidence.record(ev(7));
    if (!a.ok) throw new Error('record');
    store.clock.advance(4_000);
    const resolvedAt = store.clock.now();
    expect(store.evidence.resolve(a.value)).toEqual({ ok: true, value: undefined });
    expect(store.evidence.resolve(a.value)).toEqual({
      ok: false,
      error: { kind: 'already-resolved' },
    });
    expect(store.evidence.resolve(a.value + 100)).toEqual({
      ok: false,
      error: { kind: 'not-found' },
    });
    expect(store.evidence.open('veche-devnet')).toBeUndefined();
    expect(store.evidence.list('veche-devnet')[0]?.resolvedMs).toBe(resolvedAt);
  });

  it('refuses malformed evidence as a value, naming fields only', () => {
    const r = store.evidence.record(ev(3, { commonHeight: 3, chainId: 'no spaces allowed' }));
    expect(r.ok).toBe(false);
    if (r.ok || r.error.kind !== 'invalid') throw new Error('expected invalid');
    expect(r.error.fields).toEqual(expect.arrayContaining(['chainId']));
    expect(JSON.stringify(r.error)).not.toContain('no spaces allowed');
    expect(store.evidence.record(ev(3, { commonHeight: 3 })).ok).toBe(false);
    expect(store.evidence.record(ev(3, { body: new Uint8Array(0) })).ok).toBe(false);
    expect(store.evidence.list('veche-devnet')).toEqual([]);
  });

  it('the database refuses deleting or rewriting evidence, and un-resolving it', () => {
    const a = store.evidence.record(ev(7));
    if (!a.ok) throw new Error('record');
    expect(() => store.db.prepare('DELETE FROM evidence').run()).toThrow(/never deleted/);
    expect(() => store.db.prepare("UPDATE evidence SET body = x'00'").run()).toThrow(/immutable/);
    expect(() => store.db.prepare('UPDATE evidence SET height = 8').run()).toThrow(/immutable/);
    store.evidence.resolve(a.value);
    expect(() => store.db.prepare('UPDATE evidence SET resolved_ms = NULL').run()).toThrow(
      /resolved once/,
    );
  });
});
