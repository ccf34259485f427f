// The evidence methods through the host's RPC: poll staff may look but are refused export and
// resolution by the host itself (audited as a denial), a technician exports a signed file to
// the drive and only then resolves; bad ids are refused by the schema or as not found.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_STAFF } from '../../../src/main/staff/demo-staff.js';
import { encodeCanonical, type Canonical } from '../../../src/protocol/encoding.js';
import { headerHash, type Header } from '../../../src/protocol/header.js';
import { toHex } from '../../../src/protocol/hash.js';
import { EVENTS } from '../../../src/shared/events.js';
import type { Store } from '../../../src/store/index.js';
import {
  exportEvidence,
  listEvidence,
  resolveEvidence,
  verifyEvidenceFile,
} from '../../../src/sync/evidence.js';
import { startStaffKiosk, type StaffTestKiosk } from '../../support/staff-kiosk.js';

const CHAIN = 'veche-test';

function side(salt: number) {
  const header: Header = {
    chainId: CHAIN,
    height: 5,
    time: 1_800_000_000_000,
    lastBlockId: new Uint8Array(32).fill(1),
    dataHash: new Uint8Array(32).fill(salt),
    validatorsHash: new Uint8Array(32).fill(3),
    nextValidatorsHash: new Uint8Array(32).fill(3),
    appHash: new Uint8Array(32).fill(4),
  };
  return {
    header,
    commit: { height: 5, round: 0, blockId: headerHash(header), signatures: [] },
  };
}

/** The service's evidence methods over the kiosk's own store (no network needed here). */
function evidenceOf(store: Store) {
  return {
    evidence: () => listEvidence(store, CHAIN),
    exportEvidence: (
      id: number,
      actor: Parameters<typeof exportEvidence>[1]['actor'],
      o: Omit<Parameters<typeof exportEvidence>[1], 'chainId' | 'id' | 'actor' | 'now'>,
    ) => exportEvidence(store, { ...o, chainId: CHAIN, id, actor, now: 0 }),
    resolveEvidence: (id: number, actor: Parameters<typeof resolveEvidence>[1]['actor']) => {
      const r = resolveEvidence(store, { chainId: CHAIN, id, actor });
      if (!r.ok) return r;
      const v = listEvidence(store, CHAIN).find((x) => x.id === id);
      if (v === undefined) throw new Error('resolved evidence not listed');
      return { ok: true as const, value: v };
    },
  };
}

let k: StaffTestKiosk;
let id: number;
beforeEach(async () => {
  k = await startStaffKiosk({ evidence: evidenceOf });
  const r = k.store.evidence.record({
    chainId: CHAIN,
    height: 5,
    commonHeight: 1,
    primaryPeer: 'peer-a',
    witnessPeer: 'peer-b',
    body: encodeCanonical({
      height: 5,
      commonHeight: 1,
      primary: side(10),
      witness: side(20),
    } as unknown as Canonical),
  });
  if (!r.ok) throw new Error(r.error.kind);
  id = r.value;
});
afterEach(async () => {
  await k.close();
});

async function signIn(m: typeof DEMO_STAFF.poll): Promise<void> {
  await k.insertStaff(m);
  expect((await k.value('staff.submitPin', { pin: m.pin })).state).toBe('signed-in');
}

describe('sync.evidence.* over RPC', () => {
  it('needs a signed-in staff member to list', async () => {
    expect(await k.errorKind('sync.evidence.list')).toBe('not-signed-in');
  });

  it('poll staff see the evidence but the host refuses them export and resolution', async () => {
    await signIn(DEMO_STAFF.poll);
    const list = await k.value('sync.evidence.list');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id, height: 5, primaryPeer: 'peer-a', witnessPeer: 'peer-b' });
    expect(await k.errorKind('sync.evidence.export', { id })).toBe('forbidden');
    expect(await k.errorKind('sync.evidence.resolve', { id })).toBe('forbidden');
    expect(k.store.evidence.get(id)?.resolvedMs).toBeNull();
    const denied = k.store.audit
      .entries(0, 100)
      .filter((e) => e.event === EVENTS.staffDenied)
      .map((e) => (e.detail as { action: string }).action);
    expect(denied).toEqual(['evidence.export', 'evidence.resolve']);
  });

  it('a technician exports a signed file first, then resolves, once', async () => {
    await signIn(DEMO_STAFF.tech);
    expect(await k.errorKind('sync.evidence.resolve', { id })).toBe('evidence-not-exported');
    const { file } = await k.value('sync.evidence.export', { id });
    expect(readdirSync(k.exportDir)).toContain(file);
    const v = verifyEvidenceFile(readFileSync(join(k.exportDir, file), 'utf8'));
    expect(v.ok && v.value.publicKey).toBe(toHex(k.signer.publicKey));
    expect(v.ok && v.value.document.evidenceId).toBe(id);
    const r = await k.value('sync.evidence.resolve', { id });
    expect(r.alarmed).toBe(false);
    expect(r.evidence.resolvedMs).not.toBeNull();
    expect(await k.errorKind('sync.evidence.resolve', { id })).toBe('evidence-resolved');
    expect(await k.errorKind('sync.evidence.resolve', { id: 424242 })).toBe('evidence-not-found');
    expect(await k.errorKind('sync.evidence.resolve', { id: 0 })).toBe('invalid-request');
    expect(k.store.audit.verify().ok).toBe(true);
  });

  it('says the drive is missing when the export folder is gone, and stays unexported', async () => {
    await signIn(DEMO_STAFF.tech);
    rmSync(k.exportDir, { recursive: true });
    const r = await k.rpc('sync.evidence.export', { id });
    expect(r.ok ? null : r.error).toMatchObject({
      kind: 'export-no-drive',
      message: expect.stringContaining('ENOENT') as unknown,
    });
    expect(existsSync(k.exportDir)).toBe(false);
    expect(await k.errorKind('sync.evidence.resolve', { id })).toBe('evidence-not-exported');
  });
});
