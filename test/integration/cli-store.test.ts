// The technician's shell commands over a real kiosk database, run as child processes.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '../../src/shared/events.js';
import { BallotFactory, openTestStore, STAFF, tempDir } from '../unit/store/fixtures.js';

const tmp = tempDir('veche-cli-store-', { onDisk: true });
const db = join(tmp.dir, 'kiosk.db');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  const store = openTestStore(tmp.dir);
  const f = new BallotFactory();
  const ballots = [f.next(), f.next(), f.next(), f.next({ kind: 'challenged' })];
  for (const b of ballots) expect(store.outbox.enqueue(b).ok).toBe(true);
  const [first, second] = ballots;
  if (first === undefined || second === undefined) throw new Error('no ballots');
  expect(store.outbox.transition(first.ballotId, { to: 'final', height: 9 }).ok).toBe(true);
  expect(
    store.outbox.transition(second.ballotId, { to: 'rejected', reason: 'duplicate-nullifier' }).ok,
  ).toBe(true);
  expect(store.audit.append(EVENTS.staffSignIn, { staffId: STAFF }).ok).toBe(true);
  expect(store.audit.append(EVENTS.deviceFault, { device: 'printer', fault: 'paper-out' }).ok).toBe(
    true,
  );
  store.close();
});

afterAll(() => tmp.cleanup());

describe('technician CLI over the store', () => {
  it('queue status counts ballots by state per election', () => {
    const r = cli('queue', 'status', '--db', db, '--kiosk-id', 'kiosk-7', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as {
      elections: { electionId: string; cast: Record<string, number>; challenged: number }[];
    };
    expect(out.elections).toHaveLength(1);
    expect(out.elections[0]).toMatchObject({
      electionId: 'e-2026-council',
      challenged: 1,
      cast: { queued: 1, final: 1, rejected: 1 },
    });
  });

  it('reconcile explains rejections by reason', () => {
    const r = cli('reconcile', '--db', db, '--kiosk-id', 'kiosk-7');
    expect(r.code).toBe(0);
    expect(r.out).toContain('cast 3');
    expect(r.out).toContain('rejected by reason: duplicate-nullifier 1');
    expect(r.out).toContain('challenged 1');
  });

  it('audit verify passes on an intact database', () => {
    const r = cli('audit', 'verify', '--db', db, '--kiosk-id', 'kiosk-7');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/audit log: intact, \d+ entries/);
    expect(r.out).toContain('confirmation chain: intact, 4 ballots');
  });

  it('says plainly when the host holds the database', () => {
    const store = openTestStore(tmp.dir);
    try {
      const r = cli('queue', 'status', '--db', db, '--kiosk-id', 'kiosk-7');
      expect(r.code).toBe(1);
      expect(r.err).toContain('the kiosk host is using');
    } finally {
      store.close();
    }
  });

  it('audit verify names the tampered entry and fails', () => {
    const raw = new Database(db);
    raw.exec('DROP TRIGGER audit_no_update');
    const seq = (raw.prepare('SELECT max(seq) AS s FROM audit_log').get() as { s: number }).s;
    raw.prepare('UPDATE audit_log SET time_ms = time_ms + 1 WHERE seq = ?').run(seq);
    raw.close();
    const r = cli('audit', 'verify', '--db', db, '--kiosk-id', 'kiosk-7');
    expect(r.code).toBe(1);
    expect(r.out).toContain(`audit log: TAMPERED at entry ${seq}`);
  });
});
