// `veche-kiosk export` and `diagnose` against a real state directory: a passphrase-sealed
// kiosk key, a store with ballots. The export must verify against the kiosk key and fail
// against another; diagnose must find the key and the intact audit log.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDiagnose, runExport } from '../../../src/cli/staff-commands.js';
import { createKioskKey, KIOSK_KEY_FILE } from '../../../src/main/keys/index.js';
import { toHex } from '../../../src/protocol/hash.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { verifyExport } from '../../../src/store/export.js';
import { BallotFactory } from '../store/fixtures.js';
import { openTestStore, tempDir, testSealer } from './fixtures.js';

const PASSPHRASE = 'a long enough test passphrase';

function capture() {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

async function kioskState() {
  const { dir } = tempDir();
  const keys = await createKioskKey({
    path: join(dir, KIOSK_KEY_FILE),
    sealer: testSealer(PASSPHRASE),
  });
  if (!keys.ok) throw new Error(keys.error.kind);
  const store = openTestStore(dir, new ManualClock());
  const f = new BallotFactory();
  for (let i = 0; i < 3; i++)
    expect(store.outbox.enqueue(f.next({ electionId: 'e-1', size: 64 })).ok).toBe(true);
  store.close();
  // openTestStore names the file kiosk.db; the CLI takes --db for that.
  return { dir, db: join(dir, 'kiosk.db'), publicKey: keys.value.signingKey };
}

describe('veche-kiosk export', () => {
  it('writes signed JSON and CSV that verify against the kiosk key only', async () => {
    const k = await kioskState();
    const out = join(k.dir, 'usb');
    vi.stubEnv('VECHE_KEY_PASSPHRASE', PASSPHRASE);
    const lines = capture();
    expect(
      await runExport([
        '--kiosk-id',
        'kiosk-017-a',
        '--state-dir',
        k.dir,
        '--db',
        k.db,
        '--out',
        out,
      ]),
    ).toBe(0);
    const files = readdirSync(out).sort();
    expect(files.map((f) => f.split('.').at(-1))).toEqual(['csv', 'json']);
    for (const f of files) {
      const v = verifyExport(readFileSync(join(out, f), 'utf8'), k.publicKey);
      expect(v.ok).toBe(true);
      expect(await runExport(['--verify', join(out, f), '--public-key', toHex(k.publicKey)])).toBe(
        0,
      );
      expect(await runExport(['--verify', join(out, f), '--public-key', '11'.repeat(32)])).toBe(1);
    }
    expect(lines.join('\n')).toContain(toHex(k.publicKey));
  });

  it('refuses without the passphrase, and says so', async () => {
    const k = await kioskState();
    delete process.env['VECHE_KEY_PASSPHRASE'];
    const lines = capture();
    expect(
      await runExport([
        '--kiosk-id',
        'kiosk-017-a',
        '--state-dir',
        k.dir,
        '--db',
        k.db,
        '--out',
        join(k.dir, 'x'),
      ]),
    ).toBe(1);
    expect(lines.join('\n')).toContain('VECHE_KEY_PASSPHRASE');
  });
});

describe('veche-kiosk diagnose', () => {
  it('reports clock, disk and key, and fails on a missing state directory', async () => {
    const k = await kioskState();
    let lines = capture();
    expect(await runDiagnose(['--state-dir', k.dir, '--json'])).toBe(0);
    const checks = (
      JSON.parse(lines[0] ?? '{}') as { checks: Array<{ name: string; status: string }> }
    ).checks;
    expect(Object.fromEntries(checks.map((c) => [c.name, c.status]))).toMatchObject({
      clock: 'ok',
      disk: expect.stringMatching(/ok|warn/),
      'kiosk-key': 'ok',
      provisioning: 'warn',
    });
    vi.restoreAllMocks();
    lines = capture();
    expect(await runDiagnose(['--state-dir', join(k.dir, 'nope')])).toBe(1);
    expect(lines.join('\n')).toContain('FAIL state-dir');
  });
});
