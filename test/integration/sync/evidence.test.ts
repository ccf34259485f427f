// Resolving light-client evidence against a real devnet: a primary that serves a fork signed
// by >= 1/3 of the trusted power raises the alarm; the evidence is exported (signed) and only
// then resolvable, by a technician. Resolving while the fault is still on clears the alarm,
// the next round cross-checks again from the trusted state that never moved and raises a new
// alarm with new evidence; with the fault off, a resolution lets the ballots go final.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conflictingLightBlock } from '../../../src/devnet/faults.js';
import { answerHeaders } from '../../../src/devnet/rpc.js';
import { createNetNode, type NetNode } from '../../../src/net/node.js';
import { serve } from '../../../src/net/reqres.js';
import { HEADERS_PROTOCOL } from '../../../src/protocol/light-rpc.js';
import { EVENTS } from '../../../src/shared/events.js';
import { ok } from '../../../src/shared/result.js';
import { verifyEvidenceFile } from '../../../src/sync/evidence.js';
import { testExportSigner } from '../../support/staff-kiosk.js';
import { must } from '../../unit/devnet-net/helpers.js';
import { startWorld, states, type Kiosk, type World } from './kiosk-net.js';

let w: World;
let keyDir: string;
const extra: NetNode[] = [];

beforeAll(async () => {
  w = await startWorld();
  keyDir = mkdtempSync(join(tmpdir(), 'veche-sync-evidence-'));
}, 30_000);
afterAll(async () => {
  for (const n of extra) await n.stop();
  await w?.close();
  rmSync(keyDir, { recursive: true, force: true });
});

const TECH = { staffId: 'aaaaaaaaaaaaaaaa', role: 'technician' } as const;
const POLL = { staffId: 'bbbbbbbbbbbbbbbb', role: 'poll-staff' } as const;

/** A primary serving the honest chain up to height 1, then (while `fault.on`) a fork. */
async function switchablePrimary(fault: { on: boolean }): Promise<NetNode> {
  const s = must(
    await createNetNode({ keyFile: join(keyDir, `byz-${extra.length}.key`) }).then((r) =>
      r.ok ? r.value : undefined,
    ),
  );
  extra.push(s);
  const honest = must(w.t.net.nodes[2]);
  const signers = [0, 1].map((i) => must(w.t.net.nodes[i]).signer);
  await serve(s, HEADERS_PROTOCOL, (req) => {
    const a = answerHeaders(
      { validator: () => honest.validator, signer: honest.signer, faults: honest.faults },
      req,
    );
    return {
      latest: a.latest,
      blocks: a.blocks.map((b) =>
        fault.on && b.header.height >= 2 ? conflictingLightBlock(b, signers, true) : b,
      ),
    };
  });
  return s;
}

function withPrimary(s: NetNode) {
  const p = w.provisioning();
  return {
    ...p,
    validators: [
      { peerId: s.peerId.toString(), multiaddrs: s.multiaddrs().map((a) => a.toString()) },
      ...p.validators,
    ],
  };
}

const signer = testExportSigner();
const files: string[] = [];

async function exportIt(k: Kiosk, id: number) {
  return k.sync.exportEvidence(id, TECH, {
    signer,
    kioskId: w.world.kiosk.kioskId,
    deliver: async (text) => {
      files.push(text);
      return ok(`evidence-${id}.json`);
    },
  });
}

describe('sync: resolving evidence', () => {
  it('resolve while the fork is served → a new alarm; fault off, resolve → ballots go final', async () => {
    await w.t.until(w.t.net.validator(0).committedHeight + 2);
    const fault = { on: true };
    const byz = await switchablePrimary(fault);
    const k = await w.kiosk(withPrimary(byz), 'evidence');
    const chainId = w.t.net.genesis.chainId;
    const ids = k.enqueue(2);
    await k.sync.runOnce();
    const first = must(k.sync.status().alarm);
    const firstId = must(first.evidenceId ?? undefined);
    const trustedBefore = k.store.synced.latestHeader(chainId)?.height;

    const listed = k.sync.evidence();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id: firstId,
      height: first.height,
      commonHeight: 1,
      primaryPeer: first.primaryPeer,
      witnessPeer: first.witnessPeer,
      resolvedMs: null,
      exported: false,
    });
    expect(listed[0]?.primary?.headerHash).not.toBe(listed[0]?.witness?.headerHash);

    // Not before an export, never by poll staff, never twice.
    expect(k.sync.resolveEvidence(firstId, TECH)).toMatchObject({
      ok: false,
      error: { kind: 'not-exported' },
    });
    expect(
      (
        await k.sync.exportEvidence(firstId, POLL, {
          signer,
          kioskId: 'x',
          deliver: async () => ok('never'),
        })
      ).ok,
    ).toBe(false);
    const exported = await exportIt(k, firstId);
    expect(exported.ok).toBe(true);
    const file = must(files.at(-1));
    const checked = verifyEvidenceFile(file);
    expect(checked.ok && checked.value.document).toMatchObject({
      evidenceId: firstId,
      height: first.height,
      primaryPeer: first.primaryPeer,
      staffId: TECH.staffId,
    });
    const tampered = file.replace(`"height": ${first.height}`, `"height": ${first.height + 1}`);
    expect(verifyEvidenceFile(tampered)).toMatchObject({
      ok: false,
      error: { kind: 'bad-signature' },
    });
    expect(k.sync.resolveEvidence(firstId, POLL)).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    expect(k.store.evidence.get(firstId)?.resolvedMs).toBeNull();

    // Fault still on: resolving clears the alarm, and the next round finds the fork again.
    const resolved = k.sync.resolveEvidence(firstId, TECH);
    expect(resolved.ok && resolved.value.resolvedMs).not.toBeNull();
    expect(k.sync.status().alarm).toBeNull();
    expect(k.sync.resolveEvidence(firstId, TECH)).toMatchObject({
      ok: false,
      error: { kind: 'already-resolved' },
    });
    await k.sync.runOnce();
    const second = must(k.sync.status().alarm);
    expect(second.evidenceId).not.toBe(firstId);
    expect(second.evidenceId).not.toBeNull();
    expect(k.store.evidence.list(chainId)).toHaveLength(2);
    // Trust never moved and nothing went out.
    expect(k.store.synced.latestHeader(chainId)?.height).toBe(trustedBefore);
    expect(states(k, ids)).toEqual(['queued', 'queued']);

    // Fault off: export, resolve, and the ballots are delivered to final.
    fault.on = false;
    const secondId = must(second.evidenceId ?? undefined);
    expect((await exportIt(k, secondId)).ok).toBe(true);
    expect(k.sync.resolveEvidence(secondId, TECH).ok).toBe(true);
    expect(k.sync.status().alarm).toBeNull();
    await w.drive([k], () => states(k, ids).every((s) => s === 'final'), 30);
    expect(states(k, ids)).toEqual(['final', 'final']);
    expect(k.sync.status().alarm).toBeNull();
    expect(k.store.evidence.open(chainId)).toBeUndefined();

    const audit = k.store.audit.entries(-1, 1000);
    const of = (event: string) => audit.filter((e) => e.event === event).map((e) => e.detail);
    expect(of(EVENTS.evidenceExported)).toEqual([
      { staffId: TECH.staffId, evidenceId: firstId, height: first.height },
      { staffId: TECH.staffId, evidenceId: secondId, height: second.height },
    ]);
    expect(of(EVENTS.evidenceResolved)).toEqual([
      { staffId: TECH.staffId, evidenceId: firstId, height: first.height },
      { staffId: TECH.staffId, evidenceId: secondId, height: second.height },
    ]);
    expect(k.store.audit.verify().ok).toBe(true);
  }, 90_000);
});
