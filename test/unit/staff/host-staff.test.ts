// The staff side wired into the host, through its RPC: card routing ahead of the voter
// session, PIN lockout on the injected clock, permissions, polls driving canVote with the
// printed reports, reconciliation explained, a signed export, and an audit log that verifies
// and names every staff action.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_STAFF } from '../../../src/main/staff/demo-staff.js';
import { verifyExport } from '../../../src/store/export.js';
import { EVENTS } from '../../../src/shared/events.js';
import { BallotFactory } from '../store/fixtures.js';
import { ELECTIONS, startStaffKiosk, type StaffTestKiosk } from '../../support/staff-kiosk.js';

let k: StaffTestKiosk;
beforeEach(async () => {
  k = await startStaffKiosk();
});
afterEach(async () => {
  await k.close();
});

const E = ELECTIONS[0]?.electionId ?? '';

async function lockedForSec(): Promise<number> {
  const v = await k.value('staff.get');
  if (v.state !== 'awaiting-pin') throw new Error(`staff view is ${v.state}`);
  return v.lockedForSec;
}

async function signIn(m = DEMO_STAFF.poll): Promise<void> {
  await k.insertStaff(m);
  const r = await k.value('staff.submitPin', { pin: m.pin });
  expect(r.state).toBe('signed-in');
}

describe('card routing', () => {
  it('keeps a staff card away from the voter session and a voter card away from the PIN pad', async () => {
    await k.insertStaff();
    expect((await k.value('session.get')).state).toBe('attract');
    expect(await k.value('staff.get')).toEqual({
      state: 'awaiting-pin',
      role: 'poll-staff',
      lockedForSec: 0,
    });
    await k.removeCard();
    expect((await k.value('staff.get')).state).toBe('signed-out');

    await k.insertVoter();
    expect((await k.value('session.get')).state).toBe('welcome');
    expect((await k.value('staff.get')).state).toBe('signed-out');
    expect(await k.errorKind('staff.submitPin', { pin: '246810' })).toBe('no-staff-card');
  });

  it('signs out when the staff card leaves, and after the idle timeout', async () => {
    await signIn();
    await k.removeCard();
    expect((await k.value('staff.get')).state).toBe('signed-out');
    await signIn();
    k.clock.advance(299_000);
    expect((await k.value('staff.get')).state).toBe('signed-in');
    k.clock.advance(301_000);
    expect((await k.value('staff.get')).state).toBe('signed-out');
    expect(await k.errorKind('polls.list')).toBe('not-signed-in');
  });
});

describe('PIN lockout', () => {
  it('locks out after the free tries with waits that double', async () => {
    await k.insertStaff();
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(await k.errorKind('staff.submitPin', { pin: '0000' })).toBe('wrong-pin');
    }
    expect(await lockedForSec()).toBe(30);
    expect(await k.errorKind('staff.submitPin', { pin: DEMO_STAFF.poll.pin })).toBe('locked');
    for (let i = 0; i < 3; i++) {
      const before = await lockedForSec();
      waits.push(before);
      k.clock.advance(before * 1000);
      expect(await k.errorKind('staff.submitPin', { pin: '1111' })).toBe('wrong-pin');
    }
    expect(waits).toEqual([30, 60, 120]);
    k.clock.advance(240_000);
    expect((await k.value('staff.submitPin', { pin: DEMO_STAFF.poll.pin })).state).toBe(
      'signed-in',
    );
  });
});

describe('polls and voting', () => {
  it('lets only poll staff run the polls, and canVote follows them', async () => {
    await signIn(DEMO_STAFF.tech);
    expect(await k.errorKind('polls.open', { electionId: E })).toBe('forbidden');
    await k.removeCard();

    await signIn();
    expect(k.staff.canVote(E)).toBe(false);
    const opened = await k.value('polls.open', { electionId: E });
    expect(opened.state).toBe('open');
    expect(opened.printed).toBe(true);
    expect(opened.zeroReport?.counts.cast.total).toBe(0);
    expect(JSON.stringify(k.printed.at(-1))).toContain('ZERO REPORT');
    expect(k.staff.canVote(E)).toBe(true);
    expect(k.staff.canVote(ELECTIONS[1]?.electionId ?? '')).toBe(false);

    expect((await k.value('polls.pause', { electionId: E })).state).toBe('paused');
    expect(k.staff.canVote(E)).toBe(false);
    expect((await k.value('polls.resume', { electionId: E })).state).toBe('open');
    const closed = await k.value('polls.close', { electionId: E });
    expect(closed.summary?.kind).toBe('closing-summary');
    expect(JSON.stringify(k.printed.at(-1))).toContain('POLLS CLOSED');
    expect(k.staff.canVote(E)).toBe(false);
    expect(await k.errorKind('polls.open', { electionId: E })).toBe('not-allowed');
    const list = (await k.value('polls.list')) as Array<{ electionId: string; state: string }>;
    expect(list.map((e) => e.state)).toEqual(['closed', 'not-opened']);
  });
});

describe('reconciliation and export', () => {
  it('explains a rejected duplicate and a queued ballot, exports signed files, audits it all', async () => {
    const f = new BallotFactory();
    const dup = f.next({ electionId: E, size: 64 });
    const queued = f.next({ electionId: E, size: 64 });
    const done = f.next({ electionId: E, size: 64 });
    for (const b of [dup, queued, done]) expect(k.store.outbox.enqueue(b).ok).toBe(true);
    expect(
      k.store.outbox.transition(dup.ballotId, { to: 'rejected', reason: 'duplicate-nullifier' }).ok,
    ).toBe(true);
    expect(k.store.outbox.transition(done.ballotId, { to: 'final', height: 9 }).ok).toBe(true);

    await signIn();
    const report = await k.value('reconcile.report', { electionId: E });
    expect(report.lines[0]).toEqual({ ballotKind: 'cast', local: 3, onChain: 1, final: 1 });
    expect(report.differences).toEqual([
      { ballotKind: 'cast', cause: 'queued', count: 1, resubmittable: true },
      { ballotKind: 'cast', cause: 'rejected:duplicate-nullifier', count: 1, resubmittable: false },
    ]);
    expect(report.balanced).toBe(false);
    expect((await k.value('reports.print', { electionId: E })).printed).toBe(true);
    expect(JSON.stringify(k.printed.at(-1))).toContain('this voter had already voted');
    expect((await k.value('reconcile.resubmit')).undelivered).toBe(1);
    expect(k.syncRounds).toBe(1);

    const files = (await k.value('reports.exportToFolder', { electionId: E })).files;
    expect(files).toHaveLength(2);
    for (const name of files as string[]) {
      const v = verifyExport(readFileSync(join(k.exportDir, name), 'utf8'), k.signer.publicKey);
      expect(v.ok).toBe(true);
    }
    const tampered = readFileSync(join(k.exportDir, files[1] ?? ''), 'utf8').replace(
      ',final,',
      ',queued,',
    );
    expect(verifyExport(tampered, k.signer.publicKey).ok).toBe(false);

    await k.removeCard();
    const audit = k.store.audit.verify();
    expect(audit.ok).toBe(true);
    const events = k.store.audit.entries(0, 1000).map((e) => e.event);
    for (const ev of [
      EVENTS.staffSignIn,
      EVENTS.reconcileRun,
      EVENTS.exportWritten,
      EVENTS.staffSignOut,
    ]) {
      expect(events).toContain(ev);
    }
  });
});

describe('diagnostics', () => {
  it('reports devices, sync, disk and clock, and prints a test page', async () => {
    await signIn(DEMO_STAFF.tech);
    const d = await k.value('diagnostics.get');
    expect(d.cardReader.lastEvent).toMatchObject({ event: 'read', routedTo: 'staff' });
    expect(d.printer.state).toBe('ok');
    expect(d.touch.state).toBe('absent');
    expect(d.sync?.verifiedHeight).toBe(12);
    expect(d.disk?.totalBytes).toBeGreaterThan(0);
    expect(d.clock.now).toBe(k.clock.now());
    expect((await k.value('diagnostics.printTest')).printed).toBe(true);
    expect(JSON.stringify(k.printed.at(-1))).toContain('PRINTER TEST');
  });
});
