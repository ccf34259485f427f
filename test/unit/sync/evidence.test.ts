// Evidence for staff, over a real store: the view shows both sides; an export is signed,
// verifiable and audited only once delivered; resolution is a technician's, needs the export,
// is audited in the same transaction (an audit failure leaves the row open), and moves the
// light client's alarm to the next open row, or clears it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeCanonical, type Canonical } from '../../../src/protocol/encoding.js';
import { headerHash, type Header } from '../../../src/protocol/header.js';
import { toHex } from '../../../src/protocol/hash.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { EVENTS } from '../../../src/shared/events.js';
import { silentLogger } from '../../../src/shared/log.js';
import { err, ok } from '../../../src/shared/result.js';
import { openStore, type Store } from '../../../src/store/index.js';
import {
  exportEvidence,
  listEvidence,
  resolveEvidence,
  verifyEvidenceFile,
} from '../../../src/sync/evidence.js';
import { LightClient } from '../../../src/sync/light-service.js';
import {
  DEFAULT_TRUST_OPTIONS,
  type Checkpoint,
  type Evidence,
} from '../../../src/sync/light/index.js';
import { testExportSigner } from '../../support/staff-kiosk.js';

const CHAIN = 'veche-test';
const TECH = { staffId: 'aaaaaaaaaaaaaaaa', role: 'technician' } as const;
const POLL = { staffId: 'bbbbbbbbbbbbbbbb', role: 'poll-staff' } as const;

const fill = (b: number) => new Uint8Array(32).fill(b);

function signed(height: number, salt: number) {
  const header: Header = {
    chainId: CHAIN,
    height,
    time: 1_800_000_000_000 + height,
    lastBlockId: fill(1),
    dataHash: fill(salt),
    validatorsHash: fill(3),
    nextValidatorsHash: fill(3),
    appHash: fill(4),
  };
  return {
    header,
    commit: {
      height,
      round: 0,
      blockId: headerHash(header),
      signatures: [{ pubKey: fill(9), signature: new Uint8Array(64).fill(salt) }],
    },
  };
}

function body(height: number): Uint8Array {
  const e: Evidence = {
    height,
    commonHeight: 1,
    primary: signed(height, 10),
    witness: signed(height, 20),
  };
  return encodeCanonical(e as unknown as Canonical);
}

let dir: string;
let store: Store;
let clock: ManualClock;
const signer = testExportSigner();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'veche-evidence-'));
  clock = new ManualClock(Date.UTC(2027, 0, 1));
  const s = openStore({ path: join(dir, 'k.sqlite'), kioskId: 'k-1', clock });
  if (!s.ok) throw new Error(s.error.kind);
  store = s.value;
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function record(height: number): number {
  const r = store.evidence.record({
    chainId: CHAIN,
    height,
    commonHeight: 1,
    primaryPeer: 'peer-primary',
    witnessPeer: 'peer-witness',
    body: body(height),
  });
  if (!r.ok) throw new Error(r.error.kind);
  return r.value;
}

const files: string[] = [];
const exportIt = (id: number, actor: typeof TECH | typeof POLL = TECH) =>
  exportEvidence(store, {
    chainId: CHAIN,
    kioskId: 'k-1',
    id,
    actor,
    signer,
    now: clock.now(),
    deliver: async (text) => {
      files.push(text);
      return ok(`f-${id}.json`);
    },
  });

describe('light-client evidence for staff', () => {
  it('lists both sides, exports a signed file, audits only what was delivered', async () => {
    const id = record(7);
    const [v] = listEvidence(store, CHAIN);
    expect(v).toMatchObject({ id, height: 7, commonHeight: 1, exported: false, resolvedMs: null });
    expect(v?.primary?.header.dataHash).toBe(toHex(fill(10)));
    expect(v?.witness?.header.dataHash).toBe(toHex(fill(20)));
    expect(v?.primary?.headerHash).toBe(toHex(headerHash(signed(7, 10).header)));

    const failed = await exportEvidence(store, {
      chainId: CHAIN,
      kioskId: 'k-1',
      id,
      actor: TECH,
      signer,
      now: clock.now(),
      deliver: async () => err('ENOSPC'),
    });
    expect(failed).toMatchObject({ ok: false, error: { kind: 'write-failed' } });
    expect(listEvidence(store, CHAIN)[0]?.exported).toBe(false);
    expect(await exportIt(id, POLL)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await exportIt(999)).toMatchObject({ ok: false, error: { kind: 'not-found' } });

    const r = await exportIt(id);
    expect(r.ok).toBe(true);
    expect(listEvidence(store, CHAIN)[0]?.exported).toBe(true);
    const file = files.at(-1) ?? '';
    const checked = verifyEvidenceFile(file);
    expect(checked.ok && checked.value.publicKey).toBe(toHex(signer.publicKey));
    expect(checked.ok && checked.value.document.body).toBe(toHex(body(7)));
    // Changing a readable side without the body breaks the signature; a wrong signature too.
    const parsed = JSON.parse(file) as { document: { witnessPeer: string } };
    parsed.document.witnessPeer = 'someone-else';
    expect(verifyEvidenceFile(JSON.stringify(parsed))).toMatchObject({
      ok: false,
      error: { kind: 'bad-signature' },
    });
    expect(verifyEvidenceFile('{')).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });

  it('resolves only exported evidence, by a technician, once, audited with it', async () => {
    const id = record(7);
    expect(resolveEvidence(store, { chainId: CHAIN, id, actor: TECH })).toMatchObject({
      ok: false,
      error: { kind: 'not-exported' },
    });
    await exportIt(id);
    expect(resolveEvidence(store, { chainId: CHAIN, id, actor: POLL })).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    expect(resolveEvidence(store, { chainId: 'other', id, actor: TECH })).toMatchObject({
      ok: false,
      error: { kind: 'not-found' },
    });
    clock.advance(5000);
    const r = resolveEvidence(store, { chainId: CHAIN, id, actor: TECH });
    expect(r.ok && r.value.resolvedMs).toBe(clock.now());
    expect(resolveEvidence(store, { chainId: CHAIN, id, actor: TECH })).toMatchObject({
      ok: false,
      error: { kind: 'already-resolved' },
    });
    const resolved = store.audit
      .entries(0, 100)
      .filter((e) => e.event === EVENTS.evidenceResolved)
      .map((e) => e.detail);
    expect(resolved).toEqual([{ staffId: TECH.staffId, evidenceId: id, height: 7 }]);
  });

  it('leaves the row open when the audit entry cannot be written', () => {
    const id = record(7);
    const r = store.evidence.resolve(id, () => err({ kind: 'disk-full' }));
    expect(r).toMatchObject({ ok: false, error: { kind: 'step-failed', reason: 'disk-full' } });
    expect(store.evidence.get(id)?.resolvedMs).toBeNull();
    expect(store.evidence.open(CHAIN)?.id).toBe(id);
  });

  it('moves the light client alarm to the next open evidence, then clears it', async () => {
    const a = record(7);
    const b = record(9);
    const light = new LightClient({
      store,
      chainId: CHAIN,
      checkpoint: { validatorSet: { validators: [] } } as unknown as Checkpoint,
      peers: [],
      clock,
      options: DEFAULT_TRUST_OPTIONS,
      logger: silentLogger,
    });
    expect(light.alarm?.evidenceId).toBe(a);
    await exportIt(a);
    await exportIt(b);
    expect(resolveEvidence(store, { chainId: CHAIN, id: a, actor: TECH }).ok).toBe(true);
    light.evidenceResolved(a);
    expect(light.alarm).toMatchObject({ evidenceId: b, height: 9 });
    light.evidenceResolved(a);
    expect(light.alarm?.evidenceId).toBe(b);
    expect(resolveEvidence(store, { chainId: CHAIN, id: b, actor: TECH }).ok).toBe(true);
    light.evidenceResolved(b);
    expect(light.alarm).toBeNull();
    expect(light.lastError).toBeNull();
    expect(listEvidence(store, null).map((v) => v.id)).toEqual([b, a]);
  });
});
