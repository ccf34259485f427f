import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ed25519SignerFromSeed, generateEd25519Seed } from '../../../src/protocol/ed25519.js';
import { decodeCanonical, encodeCanonical } from '../../../src/protocol/encoding.js';
import { signBundle } from '../../../src/main/provisioning/bundle.js';
import { parseEnrollment, QR_PREFIX } from '../../../src/main/provisioning/enrollment.js';
import { ProvisioningBundleSchema } from '../../../src/main/provisioning/schemas.js';
import { EVENTS } from '../../../src/shared/events.js';
import { BallotFactory } from '../store/fixtures.js';
import { makeAuthority, ROLL, STAFF, UNIT } from './authority.js';
import { makeKiosk, read, tempDir, type TestKiosk } from './fixtures.js';

const kiosks: TestKiosk[] = [];
afterEach(() => {
  for (const k of kiosks.splice(0)) k.close();
});
async function kiosk(opts: Parameters<typeof makeKiosk>[0] = {}) {
  const k = await makeKiosk({ dir: tempDir().dir, ...opts });
  kiosks.push(k);
  return k;
}
const auditEvents = (k: TestKiosk) => k.store.audit.entries(0, 1000).map((e) => e.event);

async function enroll(k: TestKiosk) {
  const e = await k.provisioning.beginEnrollment({ unit: 'polotsk-city', pollingPlace: 'pp-017' });
  if (!e.ok) throw new Error(e.error.kind);
  return e.value;
}

describe('enrollment', () => {
  it('is signed by the kiosk key it names; file and QR carry the same bytes', async () => {
    const k = await kiosk();
    expect(k.provisioning.status()).toEqual({ state: 'blank', fingerprint: null });
    const e = await enroll(k);
    expect(e.qrPayload.startsWith(QR_PREFIX)).toBe(true);
    expect(e.svgDataUrl.startsWith('data:image/svg+xml;base64,')).toBe(true);
    expect(e.pngDataUrl.startsWith('data:image/png;base64,')).toBe(true);
    const fromQr = parseEnrollment(e.qrPayload);
    const fromFile = parseEnrollment(e.file);
    expect(fromQr.ok && fromFile.ok && fromQr.value.request).toEqual(
      fromFile.ok && fromFile.value.request,
    );
    expect(e.request.signingKey).toEqual(k.provisioning.keys()?.signingKey);
    expect(statSync(join(k.stateDir, 'enrollment.cbor')).mode & 0o777).toBe(0o600);
    expect(statSync(join(k.stateDir, 'kiosk-key.cbor')).mode & 0o777).toBe(0o600);
    // A forged request (another key's signature over it) fails.
    const d = decodeCanonical(e.file);
    if (!d.ok) throw new Error('decode');
    const other = ed25519SignerFromSeed(generateEd25519Seed());
    const forged = encodeCanonical({
      ...(d.value as object),
      signature: other.sign(new Uint8Array(1)),
    } as never);
    expect(parseEnrollment(forged)).toEqual({ ok: false, error: { kind: 'bad-signature' } });
    // The enrollment survives a restart (the nonce must, for the bundle to match).
    const again = await k.restart();
    kiosks.push(again);
    const s = again.provisioning.status();
    expect(s.state === 'enrolling' && s.qrPayload).toBe(e.qrPayload);
    expect(
      auditEvents(again).filter((x) => x.startsWith('key.') || x.startsWith('provision.')),
    ).toEqual([EVENTS.keyGenerated, EVENTS.provisionStart]);
  });
});

describe('bundle import', () => {
  it('provisions from the authority bundle; the record survives a restart', async () => {
    const k = await kiosk();
    const e = await enroll(k);
    const r = await k.provisioning.importBundle(await k.authority.provision(e.file));
    expect(r.ok && r.value).toMatchObject({
      state: 'provisioned',
      kioskId: UNIT.kioskId,
      unitId: UNIT.unitId,
      chainId: 'veche-devnet',
      reenrolling: false,
    });
    expect(k.provisioning.provisioned()?.rollSecret).toEqual(k.authority.rollSecret);
    expect(k.provisioning.provisioned()?.bundle.roll).toEqual(ROLL);
    expect(statSync(join(k.stateDir, 'provisioning.cbor')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(k.stateDir, 'enrollment.cbor'))).toBe(false);
    // The roll secret is on disk only sealed.
    const onDisk = readFileSync(join(k.stateDir, 'provisioning.cbor'));
    expect(onDisk.includes(Buffer.from(k.authority.rollSecret))).toBe(false);
    const fp = k.provisioning.keys()?.fingerprint;
    const last = k.store.audit.entries(0, 100).at(-1);
    expect(last?.event).toBe(EVENTS.provisionOk);
    expect(last?.detail).toEqual({ kioskKey: fp });

    const again = await k.restart();
    kiosks.push(again);
    expect(again.provisioning.status().state).toBe('provisioned');
    expect(again.provisioning.provisioned()?.rollSecret).toEqual(k.authority.rollSecret);
    expect(again.provisioning.provisioned()?.bundle.roll).toEqual(ROLL);
  });

  it('refuses a correctly signed v1 bundle (no roll parameters) by its format', async () => {
    const k = await kiosk();
    const e = await enroll(k);
    const v2 = decodeCanonical(await k.authority.provision(e.file));
    if (!v2.ok) throw new Error('decode');
    const inner = decodeCanonical((v2.value as { bundle: Uint8Array }).bundle);
    if (!inner.ok) throw new Error('decode');
    const { roll: _roll, ...rest } = ProvisioningBundleSchema.parse(inner.value);
    const v1 = k.authority.signRaw({ ...rest, format: 'veche/provisioning-bundle/v1' } as never);
    expect(await k.provisioning.importBundle(v1)).toEqual({
      ok: false,
      error: { kind: 'unsupported-format', format: 'veche/provisioning-bundle/v1' },
    });
    expect(k.provisioning.status().state).toBe('enrolling');
    // The same content as v2 without `roll` is simply invalid, naming the missing field.
    const noRoll = k.authority.signRaw({ ...rest } as never);
    expect(await k.provisioning.importBundle(noRoll)).toEqual({
      ok: false,
      error: { kind: 'invalid', fields: ['roll'] },
    });
  });

  it('refuses roll parameters outside the bounds (cheap or unaffordable scrypt)', async () => {
    const k = await kiosk();
    const e = await enroll(k);
    const bad = [
      { ...ROLL, N: 1000 },
      { ...ROLL, N: 1 << 9 },
      { ...ROLL, N: 1 << 20, r: 8 },
      { ...ROLL, rollId: 'has space' },
    ];
    for (const roll of bad) {
      const v2 = decodeCanonical(await k.authority.provision(e.file));
      if (!v2.ok) throw new Error('decode');
      const inner = decodeCanonical((v2.value as { bundle: Uint8Array }).bundle);
      if (!inner.ok) throw new Error('decode');
      const b = ProvisioningBundleSchema.parse(inner.value);
      const r = await k.provisioning.importBundle(k.authority.signRaw({ ...b, roll } as never));
      expect(r.ok === false && r.error.kind === 'invalid' && r.error.fields[0]).toMatch(/^roll\./);
    }
    expect(
      k.store.audit
        .entries(0, 100)
        .filter((x) => x.event === EVENTS.provisionFailed)
        .map((x) => x.detail),
    ).toEqual(bad.map(() => ({ step: 'jurisdiction' })));
  });

  it('refuses another authority, another kiosk, a stale nonce and tampering', async () => {
    const k = await kiosk();
    const e = await enroll(k);

    const rogue = makeAuthority();
    expect(await k.provisioning.importBundle(await rogue.provision(e.file))).toEqual({
      ok: false,
      error: { kind: 'untrusted-authority' },
    });

    // A bundle for another kiosk, signed by the right authority.
    const other = await kiosk({ authority: k.authority });
    const otherEnrollment = await enroll(other);
    expect(
      await k.provisioning.importBundle(await k.authority.provision(otherEnrollment.file)),
    ).toEqual({
      ok: false,
      error: { kind: 'wrong-kiosk' },
    });

    // An answer to an older enrollment of this kiosk: the new one replaced its nonce.
    const oldBundle = await k.authority.provision(e.file);
    const e2 = await enroll(k);
    expect(await k.provisioning.importBundle(oldBundle)).toEqual({
      ok: false,
      error: { kind: 'stale-nonce' },
    });

    // Tampering: a byte of the signed bundle, or a re-signed edit by a key that is not pinned.
    const good = await k.authority.provision(e2.file);
    const flipped = new Uint8Array(good);
    flipped[200] = (flipped[200] as number) ^ 1;
    const t = await k.provisioning.importBundle(flipped);
    expect(t.ok).toBe(false);
    expect(t.ok === false && ['bad-signature', 'malformed'].includes(t.error.kind)).toBe(true);
    const d = decodeCanonical(good);
    if (!d.ok) throw new Error('decode');
    const outer = d.value as {
      bundle: Uint8Array;
      authorityKey: Uint8Array;
      signature: Uint8Array;
    };
    const inner = decodeCanonical(outer.bundle);
    if (!inner.ok) throw new Error('decode');
    const edited = ProvisioningBundleSchema.parse(inner.value);
    const swapped = encodeCanonical({
      ...outer,
      bundle: encodeCanonical({ ...edited, unit: { ...edited.unit, kioskId: 'evil' } } as never),
    } as never);
    expect(await k.provisioning.importBundle(swapped)).toEqual({
      ok: false,
      error: { kind: 'bad-signature' },
    });
    // Each refusal is audited (step only); the genuine bundle still imports after all that.
    expect(auditEvents(k).filter((x) => x === EVENTS.provisionFailed)).toHaveLength(5);
    expect((await k.provisioning.importBundle(good)).ok).toBe(true);
    // Now provisioned: importing needs a technician; and the nonce is single-use.
    expect(await k.provisioning.importBundle(good)).toEqual({
      ok: false,
      error: { kind: 'not-signed-in' },
    });
    await k.staff.handleCard(read(STAFF.tech.card));
    expect((await k.staff.submitPin(STAFF.tech.pin)).ok).toBe(true);
    expect(await k.provisioning.importBundle(good)).toEqual({
      ok: false,
      error: { kind: 'stale-nonce' },
    });
  });

  it('refuses a bundle whose roll secret was sealed for another kiosk', async () => {
    const k = await kiosk();
    const other = await kiosk({ authority: k.authority });
    const e = await enroll(k);
    const oe = await enroll(other);
    const theirs = decodeCanonical(await k.authority.provision(oe.file));
    if (!theirs.ok) throw new Error('decode');
    const theirInner = decodeCanonical((theirs.value as { bundle: Uint8Array }).bundle);
    if (!theirInner.ok) throw new Error('decode');
    const theirBox = ProvisioningBundleSchema.parse(theirInner.value).rollSecret;
    const bundle = await k.authority.provision(e.file, {
      edit: (b) => ({ ...b, rollSecret: theirBox }),
    });
    expect(await k.provisioning.importBundle(bundle)).toEqual({
      ok: false,
      error: { kind: 'roll-secret-unreadable' },
    });
  });

  it('refuses an expired enrollment', async () => {
    const k = await kiosk();
    const e = await enroll(k);
    k.clock.advance(31 * 24 * 3600 * 1000);
    expect(await k.provisioning.importBundle(await k.authority.provision(e.file))).toEqual({
      ok: false,
      error: { kind: 'enrollment-expired' },
    });
  });

  it('a tampered record on disk is refused at start', async () => {
    const k = await kiosk({ provision: true });
    const path = join(k.stateDir, 'provisioning.cbor');
    const b = readFileSync(path);
    b[300] = (b[300] as number) ^ 1;
    writeFileSync(path, b);
    k.close();
    await expect(
      makeKiosk({ dir: join(k.stateDir, '..'), clock: k.clock, authority: k.authority }),
    ).rejects.toThrow(/init: record-invalid/);
    kiosks.splice(kiosks.indexOf(k), 1);
  });
});

describe('re-provisioning and decommissioning', () => {
  it('re-provisioning needs a signed-in technician and keeps key and queue', async () => {
    const k = await kiosk({ provision: true });
    const key = k.provisioning.keys()?.fingerprint;
    const queued = new BallotFactory().next({ electionId: 'e-2026-council' });
    expect(k.store.outbox.enqueue(queued).ok).toBe(true);
    expect(await k.provisioning.beginEnrollment({ unit: 'u', pollingPlace: 'p' })).toEqual({
      ok: false,
      error: { kind: 'not-signed-in' },
    });
    await k.staff.handleCard(read(STAFF.poll.card));
    expect((await k.staff.submitPin(STAFF.poll.pin)).ok).toBe(true);
    expect(await k.provisioning.beginEnrollment({ unit: 'u', pollingPlace: 'p' })).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', role: 'poll-staff' },
    });
    const denied = k.store.audit.entries(0, 100).at(-1);
    expect(denied?.event).toBe(EVENTS.staffDenied);
    expect(denied?.detail).toEqual({
      staffId: STAFF.poll.staffId,
      role: 'poll-staff',
      action: 'provision.enroll',
    });
    await k.staff.handleCard({ type: 'removed' });
    await k.staff.handleCard(read(STAFF.tech.card));
    expect((await k.staff.submitPin(STAFF.tech.pin)).ok).toBe(true);
    const e = await enroll(k);
    expect(k.provisioning.status()).toMatchObject({ state: 'provisioned', reenrolling: true });
    const r = await k.provisioning.importBundle(
      await k.authority.provision(e.file, { unit: { ...UNIT, pollingPlace: 'pp-018' } }),
    );
    expect(r.ok && r.value).toMatchObject({ state: 'provisioned', pollingPlace: 'pp-018' });
    expect(k.provisioning.keys()?.fingerprint).toBe(key);
    expect(k.store.outbox.pending(10).map((b) => b.ballotId)).toEqual([queued.ballotId]);
  });

  it('decommissioning exports first, then wipes keys and record', async () => {
    const k = await kiosk({ provision: true });
    const fp = k.provisioning.keys()?.fingerprint;
    await k.staff.handleCard(read(STAFF.tech.card));
    expect((await k.staff.submitPin(STAFF.tech.pin)).ok).toBe(true);
    let exported = 0;
    const failing = await k.provisioning.decommission({
      queueEmpty: true,
      finalExport: async () => ({ ok: false, error: 'usb stick full' }),
    });
    expect(failing).toEqual({
      ok: false,
      error: { kind: 'export-failed', message: 'usb stick full' },
    });
    expect(existsSync(join(k.stateDir, 'kiosk-key.cbor'))).toBe(true);
    expect(
      await k.provisioning.decommission({
        queueEmpty: false,
        finalExport: async () => ({ ok: true, value: undefined }),
      }),
    ).toEqual({ ok: false, error: { kind: 'undelivered-ballots' } });
    const done = await k.provisioning.decommission({
      queueEmpty: true,
      finalExport: async (keys) => {
        exported++;
        expect(keys.fingerprint).toBe(fp);
        return { ok: true, value: undefined };
      },
    });
    expect(done).toEqual({ ok: true, value: { state: 'blank', fingerprint: null } });
    expect(exported).toBe(1);
    for (const f of ['kiosk-key.cbor', 'provisioning.cbor', 'enrollment.cbor']) {
      expect(existsSync(join(k.stateDir, f))).toBe(false);
    }
    const tail = k.store.audit.entries(0, 100).slice(-2);
    expect(tail.map((x) => [x.event, x.detail])).toEqual([
      [EVENTS.provisionDecommission, { forced: false }],
      [EVENTS.keyWiped, { role: 'kiosk-signing', fingerprint: fp }],
    ]);
    expect(k.store.audit.verify()).toMatchObject({ ok: true });
    // No roster any more: the card is no longer a staff card.
    expect(await k.staff.handleCard(read(STAFF.tech.card))).toBe('not-staff');
  });
});

describe('signBundle', () => {
  it('refuses to sign a malformed bundle (a bug on the authority side)', () => {
    const s = ed25519SignerFromSeed(generateEd25519Seed());
    expect(() => signBundle({} as never, s)).toThrow();
  });
});
