// `veche-kiosk provision` as a technician runs it: a child process against a real state dir
// and host configuration pinning a test authority. Enroll → the authority answers the file →
// a forged bundle is refused in plain words with exit code 1 → the real one imports → status
// says provisioned → decommissioning is refused while a ballot is undelivered, then forced →
// blank again, key wiped; the store's audit log verifies and holds every step.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_CONFIG_ENV } from '../../../src/cli/serve.js';
import { HOST_CONFIG_FORMAT } from '../../../src/main/compose/config.js';
import { PASSPHRASE_ENV } from '../../../src/main/compose/trust.js';
import { KIOSK_KEY_FILE } from '../../../src/main/keys/index.js';
import { STORE_FILE } from '../../../src/main/kiosk-composition.js';
import { RECORD_FILE } from '../../../src/main/provisioning/index.js';
import { toHex } from '../../../src/protocol/hash.js';
import { EVENTS } from '../../../src/shared/events.js';
import { systemClock } from '../../../src/shared/clock.js';
import { openStore } from '../../../src/store/index.js';
import { BallotFactory } from '../store/fixtures.js';
import { makeAuthority, UNIT } from './authority.js';
import { tempDir } from './fixtures.js';

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('veche-kiosk provision', () => {
  it('enrolls, refuses a forged bundle, imports, reports status and decommissions', async () => {
    const { dir } = tempDir();
    const state = join(dir, 'state');
    const usb = join(dir, 'usb');
    const authority = makeAuthority();
    writeFileSync(
      join(dir, 'host.json'),
      JSON.stringify({
        format: HOST_CONFIG_FORMAT,
        authorityKeys: [toHex(authority.publicKey)],
        sealer: 'passphrase',
      }),
    );
    const env = {
      [HOST_CONFIG_ENV]: join(dir, 'host.json'),
      [PASSPHRASE_ENV]: 'cli provision test passphrase',
    };
    const sd = ['--state-dir', state];

    const bad = await cli(['provision', 'enroll', ...sd, '--unit', 'polotsk city'], env);
    expect(bad.code).toBe(2);
    expect(existsSync(join(state, KIOSK_KEY_FILE))).toBe(false);

    const blank = await cli(['provision', 'status', ...sd], env);
    expect(blank.code).toBe(0);
    expect(blank.out).toContain('blank');

    const enrollFile = join(dir, 'enroll.cbor');
    const e = await cli(
      ['provision', 'enroll', ...sd, '--unit', UNIT.unitId, '--place', UNIT.pollingPlace],
      { ...env },
    ).then(() =>
      // A second enrollment replaces the first: only the newest nonce is answered.
      cli(
        [
          'provision',
          'enroll',
          ...sd,
          '--unit',
          UNIT.unitId,
          '--place',
          UNIT.pollingPlace,
          '--out',
          enrollFile,
        ],
        env,
      ),
    );
    expect(e.code, e.err).toBe(0);
    expect(e.out).toContain(`enrollment file: ${enrollFile}`);
    const svgPath = /QR code \(SVG\): (.+)/.exec(e.out)?.[1] ?? '';
    expect(readFileSync(svgPath, 'utf8')).toContain('<svg');
    const payload = /QR payload: (\S+)/.exec(e.out)?.[1] ?? '';
    expect(payload.startsWith('VECHE-ENROLL1:')).toBe(true);
    expect(existsSync(join(state, KIOSK_KEY_FILE))).toBe(true);
    const enrolling = await cli(['provision', 'status', ...sd, '--json'], env);
    expect(JSON.parse(enrolling.out)).toMatchObject({ state: 'enrolling', unit: UNIT.unitId });

    // A bundle from an authority this kiosk does not pin, and the real one with a flipped byte.
    const enrollment = new Uint8Array(readFileSync(enrollFile));
    const forged = await makeAuthority().provision(enrollment);
    writeFileSync(join(dir, 'forged.bundle'), forged);
    const f = await cli(['provision', 'import', ...sd, join(dir, 'forged.bundle')], env);
    expect(f.code).toBe(1);
    expect(f.err).toContain('not signed by an authority this kiosk trusts');
    const real = await authority.provision(enrollment);
    const tampered = new Uint8Array(real);
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
    writeFileSync(join(dir, 'tampered.bundle'), tampered);
    const t = await cli(['provision', 'import', ...sd, join(dir, 'tampered.bundle')], env);
    expect(t.code).toBe(1);
    expect(t.err).toContain('the bundle was refused');
    expect(existsSync(join(state, RECORD_FILE))).toBe(false);

    writeFileSync(join(dir, 'real.bundle'), real);
    const i = await cli(['provision', 'import', ...sd, join(dir, 'real.bundle')], env);
    expect(i.code, i.err).toBe(0);
    expect(i.out).toContain(`provisioned: kiosk ${UNIT.kioskId}`);
    const st = await cli(['provision', 'status', ...sd, '--json'], env);
    expect(JSON.parse(st.out)).toMatchObject({
      state: 'provisioned',
      kioskId: UNIT.kioskId,
      unitId: UNIT.unitId,
      reenrolling: false,
    });

    // A ballot still queued: decommissioning would abandon it, so it is refused unless forced.
    const opened = openStore({
      path: join(state, STORE_FILE),
      kioskId: UNIT.kioskId,
      clock: systemClock(),
    });
    if (!opened.ok) throw new Error(opened.error.kind);
    expect(
      opened.value.outbox.enqueue(new BallotFactory().next({ electionId: 'e-1', size: 64 })).ok,
    ).toBe(true);
    opened.value.close();
    const refused = await cli(['provision', 'decommission', ...sd, '--export-dir', usb], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('1 ballots are still undelivered');
    expect(existsSync(join(state, KIOSK_KEY_FILE))).toBe(true);
    const d = await cli(['provision', 'decommission', ...sd, '--export-dir', usb, '--force'], env);
    expect(d.code, d.err).toBe(0);
    expect(d.out).toContain('1 undelivered ballots abandoned');
    expect(existsSync(join(usb, `final-${UNIT.kioskId}-e-1.json`))).toBe(true);
    expect(existsSync(join(state, KIOSK_KEY_FILE))).toBe(false);
    expect(existsSync(join(state, RECORD_FILE))).toBe(false);
    const after = await cli(['provision', 'status', ...sd, '--json'], env);
    expect(JSON.parse(after.out)).toMatchObject({ state: 'blank', fingerprint: null });

    const s = openStore({
      path: join(state, STORE_FILE),
      kioskId: UNIT.kioskId,
      clock: systemClock(),
    });
    if (!s.ok) throw new Error(s.error.kind);
    try {
      expect(s.value.audit.verify().ok).toBe(true);
      const events = s.value.audit.entries(0, 1000).map((x) => x.event);
      expect(events.filter((x) => x === EVENTS.provisionStart)).toHaveLength(2);
      expect(events.filter((x) => x === EVENTS.provisionFailed)).toHaveLength(2);
      for (const ev of [
        EVENTS.keyGenerated,
        EVENTS.provisionOk,
        EVENTS.exportWritten,
        EVENTS.provisionDecommission,
        EVENTS.keyWiped,
      ]) {
        expect(events, ev).toContain(ev);
      }
    } finally {
      s.value.close();
    }
  }, 120_000);

  it('without the host configuration, says why and creates no key', async () => {
    const { dir } = tempDir();
    const state = join(dir, 'state');
    const r = await cli(
      ['provision', 'enroll', '--state-dir', state, '--unit', UNIT.unitId, '--place', 'pp-1'],
      { [HOST_CONFIG_ENV]: join(dir, 'missing.json') },
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('cannot read the host configuration');
    expect(r.err).toContain('enrollment failed');
    expect(existsSync(join(state, KIOSK_KEY_FILE))).toBe(false);
  }, 60_000);
});
