// Exports onto the removable drive fail in ways a poll worker can act on: no (writable) drive,
// a full drive, or something for a technician. The file-system code decides which, and the
// code itself stays in the message and the log; a missing export folder is never created on
// the kiosk's own disk.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_STAFF } from '../../../src/main/staff/demo-staff.js';
import { createKioskStaff, driveErrorKind } from '../../../src/main/staff/kiosk-staff.js';
import { EVENTS } from '../../../src/shared/events.js';
import { memoryLogger } from '../../../src/shared/log.js';
import { fakeDevices } from '../../support/fake-devices.js';
import { ELECTIONS, startStaffKiosk, type StaffTestKiosk } from '../../support/staff-kiosk.js';
import { BallotFactory } from '../store/fixtures.js';
import { STAFF, UNIT } from './authority.js';
import { makeKiosk, read, tempDir } from './fixtures.js';

describe('driveErrorKind', () => {
  it.each([
    ['ENOENT', 'export-no-drive'],
    ['ENOTDIR', 'export-no-drive'],
    ['EROFS', 'export-no-drive'],
    ['EACCES', 'export-no-drive'],
    ['EPERM', 'export-no-drive'],
    ['ENODEV', 'export-no-drive'],
    ['ENXIO', 'export-no-drive'],
    ['EIO', 'export-no-drive'],
    ['ENOSPC', 'export-drive-full'],
    ['EDQUOT', 'export-drive-full'],
    ['EMFILE', 'export-failed'],
    ['ENAMETOOLONG', 'export-failed'],
    ['EFBIG', 'export-failed'],
    ['UNKNOWN', 'export-failed'],
    ['EUNKNOWN', 'export-failed'],
    ['', 'export-failed'],
    ['erofs', 'export-failed'],
  ])('%s → %s', (code, kind) => {
    expect(driveErrorKind(code)).toBe(kind);
  });
});

describe('reports.exportToFolder onto a drive that is not there', () => {
  const E = ELECTIONS[0]?.electionId ?? '';
  let k: StaffTestKiosk;
  let log: ReturnType<typeof memoryLogger>;
  beforeEach(async () => {
    log = memoryLogger();
    k = await startStaffKiosk({ logger: log });
    await k.insertStaff(DEMO_STAFF.poll);
    expect((await k.value('staff.submitPin', { pin: DEMO_STAFF.poll.pin })).state).toBe(
      'signed-in',
    );
  });
  afterEach(async () => {
    await k.close();
  });

  it('answers export-no-drive for a missing folder, creating and auditing nothing', async () => {
    rmSync(k.exportDir, { recursive: true });
    const r = await k.rpc('reports.exportToFolder', { electionId: E });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('export-no-drive');
    expect(r.error.message).toBe(`export folder ${k.exportDir}: ENOENT`);
    expect(existsSync(k.exportDir)).toBe(false);
    // Nothing was signed, so the audit log claims no export that never reached a drive.
    const audited = k.store.audit.entries(0, 1000).map((e) => e.event);
    expect(audited).not.toContain(EVENTS.exportWritten);
    const failed = log.lines.filter((l) => l['event'] === EVENTS.exportDriveFailed);
    expect(failed).toEqual([
      expect.objectContaining({ what: 'reconciliation', kind: 'export-no-drive', code: 'ENOENT' }),
    ]);
    expect(log.lines.some((l) => l['event'] === EVENTS.exportDriveStart)).toBe(true);
    expect(log.lines.some((l) => l['event'] === EVENTS.exportDriveOk)).toBe(false);
  });

  it('answers export-no-drive when the mount point is a file', async () => {
    rmSync(k.exportDir, { recursive: true });
    writeFileSync(k.exportDir, 'not a drive');
    const r = await k.rpc('reports.exportToFolder', { electionId: E });
    expect(r.ok ? null : r.error).toMatchObject({
      kind: 'export-no-drive',
      message: expect.stringMatching(/: ENOTDIR$/) as unknown,
    });
  });

  it('writes, audits and logs the outcome once the drive is there', async () => {
    const files = (await k.value('reports.exportToFolder', { electionId: E })).files;
    expect(files).toHaveLength(2);
    const audited = k.store.audit.entries(0, 1000).map((e) => e.event);
    expect(audited.filter((e) => e === EVENTS.exportWritten)).toHaveLength(2);
    expect(log.lines.filter((l) => l['event'] === EVENTS.exportDriveOk)).toEqual([
      expect.objectContaining({ what: 'reconciliation', files: 2 }),
    ]);
  });
});

describe('reports.exportToFolder when the drive refuses the file after signing', () => {
  it('audits the export as not written after its export.written entry', async () => {
    const E = ELECTIONS[0]?.electionId ?? '';
    const k = await startStaffKiosk({});
    try {
      await k.insertStaff(DEMO_STAFF.poll);
      expect((await k.value('staff.submitPin', { pin: DEMO_STAFF.poll.pin })).state).toBe(
        'signed-in',
      );
      // The same names again (the clock has not moved): the JSON file's place is taken by a
      // folder, so the write fails after the drive check passed, as a pulled stick would.
      const files = (await k.value('reports.exportToFolder', { electionId: E })).files;
      for (const f of files) rmSync(join(k.exportDir, f));
      const json = files.find((f) => f.endsWith('.json')) ?? '';
      mkdirSync(join(k.exportDir, json));
      const r = await k.rpc('reports.exportToFolder', { electionId: E });
      expect(r.ok ? null : r.error.kind).toBe('export-failed');
      const tail = k.store.audit
        .entries(0, 1000)
        .filter((e) => e.event === EVENTS.exportWritten || e.event === EVENTS.exportUnwritten)
        .map((e) => [e.event, (e.detail as { format: string }).format]);
      expect(tail).toEqual([
        [EVENTS.exportWritten, 'json'],
        [EVENTS.exportWritten, 'csv'],
        [EVENTS.exportWritten, 'json'],
        [EVENTS.exportUnwritten, 'json'],
      ]);
      expect(k.store.audit.verify().ok).toBe(true);
    } finally {
      await k.close();
    }
  });
});

describe('provisioning.decommission onto a drive that is not there', () => {
  it('answers export-no-drive and keeps the key; with the drive back it exports and wipes', async () => {
    const { dir } = tempDir();
    const k = await makeKiosk({ dir, provision: true });
    const log = memoryLogger();
    const exportDir = join(dir, 'usb');
    try {
      // A ballot, so the final export has an election to write (and forcing is needed).
      expect(k.store.outbox.enqueue(new BallotFactory().next({ electionId: 'e-1' })).ok).toBe(true);
      const made = await createKioskStaff({
        store: k.store,
        identity: { kind: 'provisioned', provisioning: k.provisioning },
        devices: fakeDevices().devices,
        clock: k.clock,
        logger: log,
        stateDir: k.stateDir,
        exportDir,
        elections: () => [],
      });
      if (!made.ok) throw new Error(made.error.kind);
      const decommission = made.value.handlers['provisioning.decommission'];
      if (decommission === undefined) throw new Error('no decommission handler');
      await k.staff.handleCard(read(STAFF.tech.card));
      expect((await k.staff.submitPin(STAFF.tech.pin)).ok).toBe(true);

      const refused = await decommission({ force: true });
      expect(refused.ok ? null : refused.error).toMatchObject({
        kind: 'export-no-drive',
        message: `export folder ${exportDir}: ENOENT`,
      });
      expect(existsSync(join(k.stateDir, 'kiosk-key.cbor'))).toBe(true);
      expect(existsSync(exportDir)).toBe(false);
      expect(log.lines.filter((l) => l['event'] === EVENTS.exportDriveFailed)).toEqual([
        expect.objectContaining({ what: 'final', kind: 'export-no-drive', code: 'ENOENT' }),
      ]);

      mkdirSync(exportDir);
      const done = await decommission({ force: true });
      expect(done).toEqual({ ok: true, value: { state: 'blank', fingerprint: null } });
      expect(readdirSync(exportDir).sort()).toEqual([
        `final-${UNIT.kioskId}-e-1.csv`,
        `final-${UNIT.kioskId}-e-1.json`,
      ]);
      made.value.close();
    } finally {
      k.close();
    }
  });
});
