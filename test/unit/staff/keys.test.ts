import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  existsSync,
  readdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyEd25519 } from '../../../src/protocol/ed25519.js';
import { decodeCanonical, encodeCanonical } from '../../../src/protocol/encoding.js';
import { writeFileAtomic, wipeFile } from '../../../src/main/keys/atomic-file.js';
import { TEST_COST } from '../../../src/main/keys/kdf.js';
import {
  createKioskKey,
  loadKioskKey,
  readKioskKeyInfo,
  wipeKioskKey,
} from '../../../src/main/keys/kiosk-key.js';
import { createPassphraseSealer } from '../../../src/main/keys/passphrase-sealer.js';
import type { KeySealer } from '../../../src/main/keys/sealer.js';
import {
  createSystemdCredsSealer,
  systemdCredsAvailable,
} from '../../../src/main/keys/systemd-creds-sealer.js';

function sealer(passphrase = 'correct horse battery staple'): KeySealer {
  const s = createPassphraseSealer({ passphrase, cost: TEST_COST });
  if (!s.ok) throw new Error('weak');
  return s.value;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'veche-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('passphrase sealer', () => {
  it('round-trips, and binds the label', async () => {
    const s = sealer();
    const secret = new Uint8Array([1, 2, 3, 4, 5]);
    const sealed = await s.seal(secret, 'veche-kiosk-key');
    if (!sealed.ok) throw new Error('seal failed');
    expect(Buffer.from(sealed.value).includes(Buffer.from(secret))).toBe(false);
    expect(await s.unseal(sealed.value, 'veche-kiosk-key')).toEqual({ ok: true, value: secret });
    expect(await s.unseal(sealed.value, 'other-role')).toEqual({
      ok: false,
      error: { kind: 'auth-failed' },
    });
  });

  it('refuses a short passphrase', () => {
    expect(createPassphraseSealer({ passphrase: 'short' }).ok).toBe(false);
  });

  it('a wrong passphrase and a tampered blob are error values', async () => {
    const sealed = await sealer().seal(new Uint8Array(64).fill(7), 'veche-kiosk-key');
    if (!sealed.ok) throw new Error('seal failed');
    expect(
      await sealer('not the right passphrase').unseal(sealed.value, 'veche-kiosk-key'),
    ).toEqual({ ok: false, error: { kind: 'auth-failed' } });
    // Flip a ciphertext byte, then the stored cost (a header field under the AEAD).
    const blob = decodeCanonical(sealed.value);
    if (!blob.ok) throw new Error('decode');
    const b = blob.value as Record<string, unknown> & {
      ciphertext: Uint8Array;
      cost: { N: number };
    };
    const ct = new Uint8Array(b.ciphertext);
    ct[3] = (ct[3] as number) ^ 1;
    const tampered = encodeCanonical({ ...b, ciphertext: ct } as never);
    expect((await sealer().unseal(tampered, 'veche-kiosk-key')).ok).toBe(false);
    const recost = encodeCanonical({ ...b, cost: { ...b.cost, N: 2048 } } as never);
    expect(await sealer().unseal(recost, 'veche-kiosk-key')).toEqual({
      ok: false,
      error: { kind: 'auth-failed' },
    });
    const huge = encodeCanonical({ ...b, cost: { ...b.cost, N: 2 ** 24 } } as never);
    expect((await sealer().unseal(huge, 'veche-kiosk-key')).ok).toBe(false);
    expect((await sealer().unseal(new Uint8Array([1, 2, 3]), 'veche-kiosk-key')).ok).toBe(false);
  });
});

describe('kiosk key file', () => {
  it('creates, reloads, signs; 0600; never overwrites', async () => {
    const path = join(dir, 'state', 'kiosk-key.cbor');
    const created = await createKioskKey({ path, sealer: sealer() });
    if (!created.ok) throw new Error(created.error.kind);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'state'))).toEqual(['kiosk-key.cbor']); // no temp left over
    const loaded = await loadKioskKey({ path, sealer: sealer() });
    if (!loaded.ok) throw new Error(loaded.error.kind);
    expect(loaded.value.signingKey).toEqual(created.value.signingKey);
    expect(loaded.value.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const msg = new Uint8Array([9, 9, 9]);
    expect(verifyEd25519(created.value.signingKey, msg, loaded.value.signer.sign(msg))).toBe(true);
    const info = await readKioskKeyInfo(path);
    expect(info.ok && info.value.fingerprint).toBe(created.value.fingerprint);
    expect((await createKioskKey({ path, sealer: sealer() })).ok).toBe(false);
    const again = await loadKioskKey({ path, sealer: sealer() });
    expect(again.ok && again.value.fingerprint).toBe(created.value.fingerprint);
  });

  it('wrong passphrase, tampered file, swapped public key: error values', async () => {
    const path = join(dir, 'kiosk-key.cbor');
    const created = await createKioskKey({ path, sealer: sealer() });
    if (!created.ok) throw new Error('create');
    expect(await loadKioskKey({ path, sealer: sealer('a different passphrase') })).toEqual({
      ok: false,
      error: { kind: 'auth-failed' },
    });
    const bytes = readFileSync(path);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 5] = (flipped[flipped.length - 5] as number) ^ 0x40;
    writeFileSync(path, flipped);
    expect((await loadKioskKey({ path, sealer: sealer() })).ok).toBe(false);
    // Public key beside the sealed secret replaced by another kiosk's.
    const d = decodeCanonical(bytes);
    if (!d.ok) throw new Error('decode');
    const other = await createKioskKey({ path: join(dir, 'other.cbor'), sealer: sealer() });
    if (!other.ok) throw new Error('other');
    writeFileSync(
      path,
      encodeCanonical({ ...(d.value as object), signingKey: other.value.signingKey } as never),
    );
    expect(await loadKioskKey({ path, sealer: sealer() })).toEqual({
      ok: false,
      error: { kind: 'key-mismatch' },
    });
    writeFileSync(path, 'garbage');
    expect((await loadKioskKey({ path, sealer: sealer() })).ok).toBe(false);
    expect(await loadKioskKey({ path: join(dir, 'none'), sealer: sealer() })).toEqual({
      ok: false,
      error: { kind: 'missing' },
    });
  });

  it('wipes on decommission', async () => {
    const path = join(dir, 'kiosk-key.cbor');
    await createKioskKey({ path, sealer: sealer() });
    expect(await wipeKioskKey(path)).toEqual({ ok: true, value: { existed: true } });
    expect(existsSync(path)).toBe(false);
    expect(await wipeKioskKey(path)).toEqual({ ok: true, value: { existed: false } });
  });
});

describe('atomic files', () => {
  it('replaces content whole, with the requested mode; reports failures as values', async () => {
    const path = join(dir, 'a.bin');
    expect((await writeFileAtomic(path, new Uint8Array([1]))).ok).toBe(true);
    expect((await writeFileAtomic(path, new Uint8Array([2, 3]))).ok).toBe(true);
    expect([...readFileSync(path)]).toEqual([2, 3]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const bad = await writeFileAtomic(join(path, 'under-a-file'), new Uint8Array([1]));
    expect(bad.ok).toBe(false);
    expect((await wipeFile(path)).ok).toBe(true);
    expect(existsSync(path)).toBe(false);
  });
});

const creds = await systemdCredsAvailable();

describe.skipIf(!creds)('systemd-creds sealer (runs only where systemd-creds exists)', () => {
  it('round-trips a kiosk key and refuses a tampered credential', async () => {
    const s = createSystemdCredsSealer();
    const probe = await s.seal(new Uint8Array([1]), 'veche-probe');
    // Present but unusable here (no host key access, no TPM): that is an error value too.
    if (!probe.ok) {
      expect(probe.error.kind).toBe('unavailable');
      return;
    }
    const path = join(dir, 'kiosk-key.cbor');
    const created = await createKioskKey({ path, sealer: s });
    if (!created.ok) throw new Error(created.error.kind);
    const loaded = await loadKioskKey({ path, sealer: s });
    expect(loaded.ok && loaded.value.fingerprint).toBe(created.value.fingerprint);
    expect((await loadKioskKey({ path, sealer: sealer() })).ok).toBe(false); // sealer mismatch
    const sealed = await s.seal(new Uint8Array(32).fill(5), 'veche-kiosk-key');
    if (!sealed.ok) throw new Error('seal');
    expect((await s.unseal(sealed.value, 'another-name')).ok).toBe(false);
    const t = Buffer.from(sealed.value);
    t[t.length - 10] = t[t.length - 10] === 0x41 ? 0x42 : 0x41;
    expect((await s.unseal(new Uint8Array(t), 'veche-kiosk-key')).ok).toBe(false);
  });
});

describe('systemd-creds sealer without the binary', () => {
  it('is unavailable, as a value', async () => {
    const s = createSystemdCredsSealer({ binary: join(dir, 'no-such-binary') });
    expect((await s.seal(new Uint8Array([1]), 'veche-kiosk-key')).ok).toBe(false);
    const r = await s.unseal(new Uint8Array([1]), 'veche-kiosk-key');
    expect(r.ok === false && r.error.kind).toBe('unavailable');
  });
});
