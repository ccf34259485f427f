// The host's voter wiring over real HTTP: a card read starts the roll check and its verdict
// rides on the session view; voting calls count as touches; the idle timeout (ManualClock)
// ends the voting session like a pulled card; the receipt check answers with nobody there.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../src/main/host.js';
import { IDLE_MS, IDLE_WARNING_MS } from '../../src/main/session/machine.js';
import { silentLogger } from '../../src/shared/log.js';
import { fakeDevices } from '../support/fake-devices.js';
import { harness, JUROR, STRANGER, type Harness } from '../unit/voting/fixtures.js';

const TOKEN = 'voter-host-token-0123456789';
let h: Harness;
let host: Host;
let fake: ReturnType<typeof fakeDevices>;

async function rpc(method: string, body: unknown = {}) {
  const res = await fetch(`${host.origin}/rpc/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { ok: boolean; value?: unknown; error?: { kind: string } };
}

/** Waits (real time) for the roll check's verdict to reach the session view. */
async function verdict(): Promise<unknown> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const v = (await rpc('session.get')).value as { eligibility?: { status: string } };
    if (v.eligibility && v.eligibility.status !== 'checking') return v.eligibility;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('no eligibility verdict');
}

beforeEach(async () => {
  h = harness();
  fake = fakeDevices();
  const dir = mkdtempSync(join(tmpdir(), 'veche-renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  host = await createHost({
    clock: h.clock,
    logger: silentLogger,
    devices: fake.devices,
    rendererDir: dir,
    token: TOKEN,
    voting: h.service,
  });
});
afterEach(async () => {
  await host.close();
  h.cleanup();
});

describe('host: the voter session', () => {
  it('card → eligible → votes; idle warning, touch, timeout → no voter', async () => {
    fake.emit({ type: 'present' });
    fake.emit({ type: 'read', document: JUROR });
    // ('checking' comes first, but this test's cheap scrypt may beat the HTTP round trip.)
    expect(await verdict()).toEqual({ status: 'eligible' });
    expect((await rpc('voting.votes')).ok).toBe(true);

    h.clock.advance(IDLE_MS);
    const warned = (await rpc('session.get')).value as { idleWarningUntil: number };
    expect(warned.idleWarningUntil).toBe(h.clock.now() + IDLE_WARNING_MS);
    // A voting call is a touch: the warning goes.
    expect((await rpc('voting.view')).ok).toBe(true);
    expect((await rpc('session.get')).value).toMatchObject({
      idleWarningUntil: expect.any(Number),
    });
    expect((await rpc('voting.votes')).ok).toBe(true);
    expect((await rpc('session.get')).value).toMatchObject({ idleWarningUntil: null });
    h.clock.advance(IDLE_MS);
    expect((await rpc('session.touch')).value).toMatchObject({
      state: 'welcome',
      idleWarningUntil: null,
    });

    h.clock.advance(IDLE_MS + IDLE_WARNING_MS);
    expect((await rpc('session.get')).value).toEqual({ state: 'attract', language: 'be' });
    expect((await rpc('voting.view')).value).toEqual({ state: 'no-voter' });
    expect((await rpc('voting.votes')).error?.kind).toBe('not-available');
  });

  it('a refusal is in the session view and leaves no voting session', async () => {
    fake.emit({ type: 'read', document: STRANGER });
    expect(await verdict()).toEqual({ status: 'refused', reason: 'not-on-roll' });
    expect((await rpc('voting.votes')).error?.kind).toBe('not-available');
    fake.emit({ type: 'removed' });
    fake.emit({ type: 'read', document: { ...JUROR, expiryDate: '2020-01-01' } });
    expect(await verdict()).toEqual({ status: 'refused', reason: 'document-expired' });
  });

  it('checks a receipt from the attract screen', async () => {
    expect((await rpc('session.get')).value).toMatchObject({ state: 'attract' });
    expect((await rpc('voting.checkReceipt', { code: 'nonsense' })).value).toEqual({
      outcome: 'refused',
      reason: 'malformed',
    });
    expect((await rpc('voting.checkReceipt', { code: 'ab'.repeat(32) })).value).toMatchObject({
      outcome: 'status',
      status: 'unknown',
    });
  });
});
