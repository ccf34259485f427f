// A full disk must turn into a value before anything is reported recorded, and must not
// damage what is already stored. Two ways to fill it: a page cap (portable, deterministic) and,
// where we may mount (root on Linux), a real 1 MiB tmpfs that runs out of bytes.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENTS } from '../../../src/shared/events.js';
import type { SealedBallot } from '../../../src/store/outbox.js';
import { BallotFactory, openTestStore, tempDir } from './fixtures.js';

type TestStore = ReturnType<typeof openTestStore>;

/** Enqueues until the store refuses; returns what was recorded and the refused ballot. */
function fill(
  store: TestStore,
  f: BallotFactory,
): { recorded: SealedBallot[]; refused: SealedBallot; error: unknown } {
  const recorded: SealedBallot[] = [];
  for (let i = 0; i < 100_000; i++) {
    const b = f.next({ size: 3000 });
    const r = store.outbox.enqueue(b);
    if (!r.ok) return { recorded, refused: b, error: r.error };
    recorded.push(b);
    // Some sync progress too, so state updates share the full pages.
    if (i % 5 === 0) store.outbox.transition(b.ballotId, { to: 'sent' });
  }
  throw new Error('the disk never filled');
}

function expectUndamaged(
  store: TestStore,
  recorded: readonly SealedBallot[],
  refused: SealedBallot,
): void {
  expect(store.integrityCheck()).toEqual({ ok: true });
  expect(store.audit.verify()).toMatchObject({ ok: true });
  expect(store.chain.verify()).toMatchObject({ ok: true, links: recorded.length });
  for (const b of recorded) {
    const env = store.outbox.envelope(b.ballotId);
    expect(env && createHash('sha256').update(env).digest('hex')).toBe(
      Buffer.from(b.ballotId).toString('hex'),
    );
  }
  expect(store.outbox.get(refused.ballotId)).toBeUndefined();
}

describe('full disk', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('with a page cap: enqueue returns disk-full, nothing stored is damaged, and it recovers', () => {
    let store = openTestStore(t.dir, { maxPageCount: 160 });
    const f = new BallotFactory();
    const { recorded, refused, error } = fill(store, f);
    expect(error).toEqual({ kind: 'disk-full' });
    expect(recorded.length).toBeGreaterThan(20);
    expectUndamaged(store, recorded, refused);
    // Still full: the retry fails the same way and the audit log refuses cleanly too.
    expect(store.outbox.enqueue(refused)).toEqual({ ok: false, error: { kind: 'disk-full' } });
    const a = store.audit.append(EVENTS.storeDiskFull, {});
    expect(a.ok || a.error.kind === 'disk-full').toBe(true);
    // Reads and delivery bookkeeping keep working on what is stored.
    expect(store.reconciliation.counts('e-2026-council').cast.total).toBe(recorded.length);
    store.close();

    store = openTestStore(t.dir, { maxPageCount: 10_000 });
    expectUndamaged(store, recorded, refused);
    expect(store.outbox.enqueue(refused)).toMatchObject({ ok: true, value: { duplicate: false } });
    expect(store.chain.verify()).toMatchObject({ ok: true, links: recorded.length + 1 });
    store.close();
  });

  it('on a real 1 MiB tmpfs: disk-full as a value, stored ballots intact', (ctx) => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) ctx.skip();
    const mnt = join(t.dir, 'mnt');
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      ctx.skip();
    }
    try {
      const store = openTestStore(mnt);
      const { recorded, refused, error } = fill(store, new BallotFactory());
      expect(error).toEqual({ kind: 'disk-full' });
      expect(recorded.length).toBeGreaterThan(20);
      expectUndamaged(store, recorded, refused);
      store.close();
      // Reopening on the still-full filesystem recovers the WAL and finds everything.
      const again = openTestStore(mnt);
      expectUndamaged(again, recorded, refused);
      again.close();
    } finally {
      execFileSync('umount', [mnt], { stdio: 'ignore' });
    }
  });
});
