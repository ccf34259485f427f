import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.js';
import { EVENTS } from '../../../src/shared/events.js';
import {
  DEFAULT_LOCKOUT,
  lockoutDelayMs,
  type LockoutState,
} from '../../../src/main/staff/lockout.js';
import { createStaffService } from '../../../src/main/staff/service.js';
import { silentLogger } from '../../../src/shared/log.js';
import {
  can,
  PERMISSIONS,
  permissionsOf,
  STAFF_ACTIONS,
} from '../../../src/main/staff/permissions.js';
import { STAFF_RPC } from '../../../src/main/staff/rpc-schema.js';
import { STAFF } from './authority.js';
import { filesContaining, makeKiosk, read, removed, tempDir, type TestKiosk } from './fixtures.js';

const kiosks: TestKiosk[] = [];
afterEach(() => {
  for (const k of kiosks.splice(0)) k.close();
});
async function provisioned(): Promise<TestKiosk> {
  const k = await makeKiosk({ dir: tempDir().dir, provision: true });
  kiosks.push(k);
  return k;
}
const audit = (k: TestKiosk) => k.store.audit.entries(0, 1000);
const staffEntries = (k: TestKiosk) =>
  audit(k).filter((e) => e.event.startsWith('staff.') || e.event.startsWith('polls.'));

describe('staff card + PIN', () => {
  it('signs in with the roster card and the right PIN; audits it by roster id only', async () => {
    const k = await provisioned();
    expect(await k.staff.handleCard(read(STAFF.poll.card))).toBe('staff');
    expect(k.staff.view()).toEqual({ state: 'awaiting-pin', role: 'poll-staff', lockedForSec: 0 });
    const r = await k.staff.submitPin(STAFF.poll.pin);
    expect(r.ok && r.value).toMatchObject({
      state: 'signed-in',
      role: 'poll-staff',
      staffId: STAFF.poll.staffId,
    });
    expect(STAFF_RPC['staff.get'].response.safeParse(k.staff.view()).success).toBe(true);
    expect(
      STAFF_RPC['provisioning.status'].response.safeParse(k.provisioning.status()).success,
    ).toBe(true);
    expect(k.staff.authorize('polls.open')).toEqual({
      ok: true,
      value: { staffId: STAFF.poll.staffId, role: 'poll-staff' },
    });
    expect(staffEntries(k).map((e) => [e.event, e.detail])).toEqual([
      [EVENTS.staffSignIn, { staffId: STAFF.poll.staffId }],
    ]);
  });

  it('a voter card is not a staff card; the card must be in the reader for the PIN', async () => {
    const k = await provisioned();
    expect(
      await k.staff.handleCard(read({ issuingState: 'BLR', documentNumber: 'MP0000001' })),
    ).toBe('not-staff');
    expect(await k.staff.submitPin('1234')).toEqual({
      ok: false,
      error: { kind: 'no-staff-card' },
    });
    await k.staff.handleCard(read(STAFF.poll.card));
    expect(await k.staff.submitPin('12ab')).toEqual({
      ok: false,
      error: { kind: 'invalid-pin-format' },
    });
    // The MRZ may pad the number with fillers; the same card still matches.
    await k.staff.handleCard(removed);
    expect(
      await k.staff.handleCard(
        read({ issuingState: 'blr', documentNumber: `${STAFF.poll.card.documentNumber}<<` }),
      ),
    ).toBe('staff');
  });

  it('locks out with growing waits after three wrong PINs, on the injected clock', async () => {
    const k = await provisioned();
    await k.staff.handleCard(read(STAFF.poll.card));
    const wrong = async () => k.staff.submitPin('000000');
    expect(await wrong()).toEqual({ ok: false, error: { kind: 'wrong-pin', retryInSec: 0 } });
    expect(await wrong()).toEqual({ ok: false, error: { kind: 'wrong-pin', retryInSec: 0 } });
    expect(await wrong()).toEqual({ ok: false, error: { kind: 'wrong-pin', retryInSec: 30 } });
    // Locked: even the right PIN is not checked.
    expect(await k.staff.submitPin(STAFF.poll.pin)).toEqual({
      ok: false,
      error: { kind: 'locked', retryInSec: 30 },
    });
    expect(k.staff.view()).toMatchObject({ state: 'awaiting-pin', lockedForSec: 30 });
    k.clock.advance(29_000);
    expect(await wrong()).toEqual({ ok: false, error: { kind: 'locked', retryInSec: 1 } });
    k.clock.advance(1_000);
    expect(await wrong()).toEqual({ ok: false, error: { kind: 'wrong-pin', retryInSec: 60 } });
    k.clock.advance(60_000);
    expect(await wrong()).toEqual({ ok: false, error: { kind: 'wrong-pin', retryInSec: 120 } });
    k.clock.advance(120_000);
    expect((await k.staff.submitPin(STAFF.poll.pin)).ok).toBe(true);
    // Success resets the count.
    await k.staff.handleCard(removed);
    await k.staff.handleCard(read(STAFF.poll.card));
    expect(await wrong()).toEqual({ ok: false, error: { kind: 'wrong-pin', retryInSec: 0 } });

    const events = staffEntries(k).map((e) => [e.event, e.detail]);
    expect(events).toEqual([
      [EVENTS.staffSignInFailed, { attempts: 1 }],
      [EVENTS.staffSignInFailed, { attempts: 2 }],
      [EVENTS.staffSignInFailed, { attempts: 3 }],
      [EVENTS.staffLockout, { seconds: 30 }],
      [EVENTS.staffSignInFailed, { attempts: 4 }],
      [EVENTS.staffLockout, { seconds: 60 }],
      [EVENTS.staffSignInFailed, { attempts: 5 }],
      [EVENTS.staffLockout, { seconds: 120 }],
      [EVENTS.staffSignIn, { staffId: STAFF.poll.staffId }],
      [EVENTS.staffSignOut, { staffId: STAFF.poll.staffId }],
      [EVENTS.staffSignInFailed, { attempts: 1 }],
    ]);
  });

  it('the lockout survives a restart (and a card swap)', async () => {
    const k = await provisioned();
    await k.staff.handleCard(read(STAFF.poll.card));
    for (let i = 0; i < 4; i++) {
      k.clock.advance(31_000);
      await k.staff.submitPin('999999');
    }
    const again = await k.restart();
    kiosks.push(again);
    await again.staff.handleCard(read(STAFF.tech.card));
    expect(await again.staff.submitPin(STAFF.tech.pin)).toEqual({
      ok: false,
      error: { kind: 'locked', retryInSec: 60 },
    });
    again.clock.advance(60_000);
    expect((await again.staff.submitPin(STAFF.tech.pin)).ok).toBe(true);
  });

  it('a clock set backwards restarts the wait once instead of never ending', async () => {
    const dir = tempDir().dir;
    const k = await makeKiosk({ dir, provision: true });
    await k.staff.handleCard(read(STAFF.poll.card));
    for (let i = 0; i < 3; i++) await k.staff.submitPin('999999');
    k.close();
    // The kiosk comes back with its clock a day behind the last failure.
    const behind = new ManualClock(k.clock.now() - 86_400_000);
    const again = await makeKiosk({ dir, clock: behind, authority: k.authority });
    kiosks.push(again);
    await again.staff.handleCard(read(STAFF.poll.card));
    expect(await again.staff.submitPin(STAFF.poll.pin)).toEqual({
      ok: false,
      error: { kind: 'locked', retryInSec: 30 },
    });
    behind.advance(30_000);
    expect((await again.staff.submitPin(STAFF.poll.pin)).ok).toBe(true);
  });

  it('signs out on card removal and after the idle timeout; actions reset the timer', async () => {
    const k = await provisioned();
    await k.staff.handleCard(read(STAFF.poll.card));
    await k.staff.submitPin(STAFF.poll.pin);
    expect(await k.staff.handleCard(removed)).toBe('staff');
    expect(k.staff.view()).toEqual({ state: 'signed-out' });
    expect(k.staff.authorize('polls.open')).toEqual({
      ok: false,
      error: { kind: 'not-signed-in' },
    });

    await k.staff.handleCard(read(STAFF.poll.card));
    await k.staff.submitPin(STAFF.poll.pin);
    k.clock.advance(299_000);
    expect(k.staff.authorize('queue.view').ok).toBe(true); // activity
    k.clock.advance(299_000);
    expect(k.staff.view().state).toBe('signed-in');
    k.clock.advance(1_000);
    expect(k.staff.view()).toEqual({ state: 'signed-out' });
    const outs = staffEntries(k).filter((e) => e.event === EVENTS.staffSignOut);
    expect(outs).toHaveLength(2);
  });
});

describe('attempt counting', () => {
  it('counts an attempt before checking the PIN, so a crash mid-check costs the try', async () => {
    const k = await provisioned();
    const saves: LockoutState[] = [];
    let state: LockoutState = { failures: 0, lastFailureAt: 0 };
    const staff = createStaffService({
      roster: () => k.provisioning.provisioned()?.bundle.roster ?? null,
      idleTimeoutMs: () => 300_000,
      lockout: {
        current: () => state,
        save: async (next) => {
          saves.push(next);
          state = next;
          return { ok: true, value: undefined };
        },
      },
      clock: k.clock,
      audit: k.store.audit,
      logger: silentLogger,
    });
    await staff.handleCard(read(STAFF.poll.card));
    expect((await staff.submitPin(STAFF.poll.pin)).ok).toBe(true);
    expect(saves.map((x) => x.failures)).toEqual([1, 0]);
    staff.stop();
  });

  it('refuses to check a PIN it cannot count', async () => {
    const k = await provisioned();
    const staff = createStaffService({
      roster: () => k.provisioning.provisioned()?.bundle.roster ?? null,
      idleTimeoutMs: () => 300_000,
      lockout: {
        current: () => ({ failures: 0, lastFailureAt: 0 }),
        save: async () => ({ ok: false, error: { kind: 'io', op: 'write', code: 'ENOSPC' } }),
      },
      clock: k.clock,
      audit: k.store.audit,
      logger: silentLogger,
    });
    await staff.handleCard(read(STAFF.poll.card));
    expect(await staff.submitPin(STAFF.poll.pin)).toEqual({
      ok: false,
      error: { kind: 'storage' },
    });
    expect(staff.view().state).toBe('awaiting-pin');
    staff.stop();
  });
});

describe('permissions', () => {
  it('separates poll staff from technicians', async () => {
    expect(can('poll-staff', 'polls.close')).toBe(true);
    expect(can('technician', 'polls.close')).toBe(false);
    expect(can('technician', 'provision.decommission')).toBe(true);
    expect(can('poll-staff', 'provision.decommission')).toBe(false);
    expect(can('poll-staff', 'report.export')).toBe(true);
    expect(can('technician', 'report.export')).toBe(false);
    for (const a of STAFF_ACTIONS) expect(PERMISSIONS[a].length).toBeGreaterThan(0);
    expect(permissionsOf('technician')).not.toContain('polls.open');

    const k = await provisioned();
    await k.staff.handleCard(read(STAFF.tech.card));
    await k.staff.submitPin(STAFF.tech.pin);
    expect(k.staff.authorize('polls.open')).toEqual({
      ok: false,
      error: { kind: 'forbidden', role: 'technician', action: 'polls.open' },
    });
    expect(k.staff.authorize('device.replace').ok).toBe(true);
  });
});

describe('lockout policy', () => {
  it('3 free tries, then 30 s doubling, capped', () => {
    const d = [1, 2, 3, 4, 5, 6, 30, 100].map((n) => lockoutDelayMs(n, DEFAULT_LOCKOUT));
    expect(d).toEqual([0, 0, 30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
  });
});

describe('privacy', () => {
  it('no plain document number, name or PIN in any file the kiosk wrote', async () => {
    const dir = tempDir().dir;
    const k = await makeKiosk({ dir, provision: true });
    kiosks.push(k);
    await k.staff.handleCard(read(STAFF.poll.card));
    await k.staff.submitPin('111111');
    await k.staff.submitPin(STAFF.poll.pin);
    await k.staff.handleCard(removed);
    await k.staff.handleCard(read(STAFF.tech.card));
    await k.staff.submitPin(STAFF.tech.pin);
    k.close(); // signs out (audited) and closes the store
    kiosks.splice(kiosks.indexOf(k), 1);
    for (const marker of [
      STAFF.poll.card.documentNumber,
      STAFF.tech.card.documentNumber,
      'KUPALA',
      STAFF.poll.pin,
      STAFF.tech.pin,
    ]) {
      expect(filesContaining(dir, marker), marker).toEqual([]);
    }
    // Control: the scan does find what is there.
    expect(filesContaining(dir, 'veche/provisioning-record/v1').length).toBe(1);
  });
});
