// The kiosk against misbehaving validators: bad inclusion proofs never make a ballot final;
// a faulty primary serving a fork signed by >= 1/3 of the trusted power is caught by the
// witness (alarm, evidence, nothing moves); < 1/3 is simply refused; a dropped receipt ends
// in an idempotent resubmission and a final ballot.
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerHeaders, answerState } from '../../../src/devnet/rpc.js';
import { conflictingLightBlock } from '../../../src/devnet/faults.js';
import { createNetNode, type NetNode } from '../../../src/net/node.js';
import { serve } from '../../../src/net/reqres.js';
import { HEADERS_PROTOCOL, STATE_PROTOCOL } from '../../../src/protocol/light-rpc.js';
import { EVENTS } from '../../../src/shared/events.js';
import { EvidenceSchema } from '../../../src/sync/light/index.js';
import { decodeCanonical } from '../../../src/protocol/encoding.js';
import { err } from '../../../src/shared/result.js';
import { must } from '../../unit/devnet-net/helpers.js';
import { startWorld, states, type World } from './kiosk-net.js';

let w: World;
let keyDir: string;
const extra: NetNode[] = [];

beforeAll(async () => {
  w = await startWorld();
  keyDir = mkdtempSync(join(tmpdir(), 'veche-sync-byz-'));
}, 30_000);
afterAll(async () => {
  for (const n of extra) await n.stop();
  await w?.close();
  rmSync(keyDir, { recursive: true, force: true });
});

const setAll = (f: 'badProofs' | 'dropReceipts', on: boolean) => {
  for (const n of w.t.net.nodes) n.faults[f] = on;
};

/** A primary that serves the honest chain up to height 1 and a fork signed by `byzantine`. */
async function byzantinePrimary(byzantine: number[]): Promise<NetNode> {
  const s = must(
    await createNetNode({ keyFile: join(keyDir, `byz-${extra.length}.key`) }).then((r) =>
      r.ok ? r.value : undefined,
    ),
  );
  extra.push(s);
  const honest = must(w.t.net.nodes[2]);
  const signers = byzantine.map((i) => must(w.t.net.nodes[i]).signer);
  await serve(s, HEADERS_PROTOCOL, (req) => {
    const a = answerHeaders(
      { validator: () => honest.validator, signer: honest.signer, faults: honest.faults },
      req,
    );
    return {
      latest: a.latest,
      blocks: a.blocks.map((b) =>
        b.header.height >= 2 ? conflictingLightBlock(b, signers, true) : b,
      ),
    };
  });
  return s;
}

/**
 * A primary that serves the honest chain and honest state proofs, but edits its prefix
 * listings: `omit` drops the last listed item (each remaining item still proves), `no-empty`
 * leaves out the proof that an empty listing is empty (as a server without it would).
 */
async function listingPrimary(mode: 'omit' | 'no-empty'): Promise<NetNode> {
  const s = must(
    await createNetNode({ keyFile: join(keyDir, `lister-${extra.length}.key`) }).then((r) =>
      r.ok ? r.value : undefined,
    ),
  );
  extra.push(s);
  const honest = must(w.t.net.nodes[1]);
  const d = { validator: () => honest.validator, signer: honest.signer, faults: honest.faults };
  await serve(s, HEADERS_PROTOCOL, (req) => answerHeaders(d, req));
  await serve(s, STATE_PROTOCOL, (req) => {
    const a = answerState(d, req);
    if (a.status !== 'ok' || req.prefix === null) return a;
    const listed = a.proofs.slice(req.keys.length);
    const kept =
      mode === 'omit'
        ? listed.slice(0, -1)
        : listed.filter((p) => p.kind === 'present' || p.key !== req.prefix);
    return { ...a, proofs: [...a.proofs.slice(0, req.keys.length), ...kept] };
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

describe('sync: faults', () => {
  it('bad proofs: ballots reach included but never final; honest proofs then finalize', async () => {
    const k = await w.kiosk();
    setAll('badProofs', true);
    const ids = k.enqueue(2);
    const start = w.t.net.validator(0).committedHeight;
    await w.drive(
      [k],
      () =>
        w.t.net.validator(0).committedHeight >= start + 4 &&
        k.sync.status().delivery.badProofs >= 2,
    );
    expect(states(k, ids).every((s) => s === 'included')).toBe(true);
    expect(k.sync.status().queue.final).toBe(0);
    setAll('badProofs', false);
    await w.drive([k], () => states(k, ids).every((s) => s === 'final'));
  }, 60_000);

  it('>= 1/3 byzantine signers via a faulty primary: witness conflict, alarm, evidence, nothing moves', async () => {
    await w.t.until(w.t.net.validator(0).committedHeight + 2);
    const byz = await byzantinePrimary([0, 1]);
    const k = await w.kiosk(withPrimary(byz), 'alarmed');
    const ids = k.enqueue(1);
    await k.sync.runOnce();
    const st = k.sync.status();
    expect(st.alarm?.kind).toBe('witness-conflict');
    expect(st.lastError).toBe('alarmed');
    const alarm = must(k.sync.light.alarm);
    const ev = decodeCanonical(alarm.evidenceBytes);
    expect(ev.ok && EvidenceSchema.safeParse(ev.value).success).toBe(true);
    expect(alarm.evidence?.commonHeight).toBe(1);
    // The forged header was never stored or trusted; the ballot stays queued.
    expect(k.store.synced.latestHeader(w.t.net.genesis.chainId)?.height).toBe(1);
    expect(st.verifiedHeight).toBe(1);
    await w.t.step(2000);
    await k.sync.runOnce();
    expect(states(k, ids)).toEqual(['queued']);
    const audit = k.store.audit.entries(-1, 100);
    expect(audit.some((e) => e.event === EVENTS.witnessConflict)).toBe(true);
    // The evidence is stored as an open alarm, with the bytes the alarm carries.
    const rows = k.store.evidence.list(w.t.net.genesis.chainId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ height: alarm.height, commonHeight: 1, resolvedMs: null });
    expect(rows[0]?.body).toEqual(alarm.evidenceBytes);
    expect(st.alarm?.evidenceId).toBe(rows[0]?.id);

    // Restart: the same database, a new node and service. Still alarmed before any round,
    // and the rounds neither cross-check again nor move the ballot.
    k.sync.stop();
    await k.node.stop();
    k.store.close();
    const again = await w.kiosk(withPrimary(byz), 'alarmed');
    const restored = again.sync.status().alarm;
    expect(restored).toMatchObject({
      kind: 'witness-conflict',
      height: alarm.height,
      evidenceId: rows[0]?.id,
      primaryPeer: alarm.primaryPeer,
    });
    expect(must(again.sync.light.alarm).evidence?.commonHeight).toBe(1);
    await again.sync.runOnce();
    await w.t.step(2000);
    await again.sync.runOnce();
    expect(states(again, ids)).toEqual(['queued']);
    expect(again.sync.status().lastError).toBe('alarmed');
    expect(again.store.evidence.list(w.t.net.genesis.chainId)).toHaveLength(1);
    const conflicts = again.store.audit
      .entries(-1, 1000)
      .filter((e) => e.event === EVENTS.witnessConflict);
    expect(conflicts).toHaveLength(1);
  }, 60_000);

  it('evidence that a full disk kept out of the store is stored on a later round', async () => {
    const byz = await byzantinePrimary([0, 1]);
    const k = await w.kiosk(withPrimary(byz), 'alarmed-disk-full');
    const ids = k.enqueue(1);
    const chainId = w.t.net.genesis.chainId;
    const record = vi
      .spyOn(k.store.evidence, 'record')
      .mockReturnValueOnce(err({ kind: 'disk-full' }));
    await k.sync.runOnce();
    // Alarmed all the same, in memory only: nothing to export or resolve yet.
    expect(k.sync.status().alarm).toMatchObject({ kind: 'witness-conflict', evidenceId: null });
    expect(k.store.evidence.list(chainId)).toHaveLength(0);
    // Space again: the next round stores it; the row is the alarm from then on.
    await k.sync.runOnce();
    expect(record).toHaveBeenCalledTimes(2);
    const rows = k.store.evidence.list(chainId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.body).toEqual(must(k.sync.light.alarm).evidenceBytes);
    expect(k.sync.status().alarm?.evidenceId).toBe(rows[0]?.id);
    await k.sync.runOnce();
    expect(k.store.evidence.list(chainId)).toHaveLength(1);
    expect(states(k, ids)).toEqual(['queued']);
    record.mockRestore();
  }, 60_000);

  it('a state listing with an item left out is refused; an empty one is proven empty', async () => {
    const prefixes = ['election/', 'candidate/', 'nothing-here/'];
    const lister = await listingPrimary('omit');
    const omit = await w.kiosk(withPrimary(lister), 'lister-omit');
    expect(omit.sync.light.primary.peerId).toBe(lister.peerId.toString());
    // Every item it sent proves its own membership; only the listing as a whole is false. It
    // is refused (state-pull.test.ts has the error), the primary is passed over, and the next
    // validator's whole listing is what the kiosk gets.
    const r = await omit.sync.pullState({ keys: [], prefixes });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(omit.sync.light.primary.peerId).not.toBe(lister.peerId.toString());
    const elections = [...r.value.items.keys()].filter((k) => k.startsWith('election/'));
    const honest = await omit.sync.pullState({ keys: [], prefixes: ['election/'] });
    expect(honest.ok && [...honest.value.items.keys()].sort()).toEqual(elections.sort());
    expect(elections.length).toBeGreaterThan(1);
    // Without the emptiness proof the kiosk asks for it; the listings are whole.
    const quiet = await w.kiosk(withPrimary(await listingPrimary('no-empty')), 'lister-quiet');
    const q = await quiet.sync.pullState({ keys: [], prefixes });
    if (!q.ok) throw new Error(JSON.stringify(q.error));
    expect([...q.value.items.keys()].some((k) => k.startsWith('election/'))).toBe(true);
    expect([...q.value.items.keys()].some((k) => k.startsWith('nothing-here/'))).toBe(false);
    expect(q.value.absent).toEqual([]);
  }, 60_000);

  it('< 1/3 byzantine signers: the forged chain is refused, an honest primary takes over', async () => {
    const byz = await byzantinePrimary([0]);
    const k = await w.kiosk(withPrimary(byz));
    const ids = k.enqueue(1);
    await k.sync.runOnce();
    expect(k.sync.light.lastError).toMatchObject({ kind: 'rejected', peer: byz.peerId.toString() });
    expect(k.store.audit.entries(-1, 100).some((e) => e.event === EVENTS.headerRejected)).toBe(
      true,
    );
    expect(k.sync.status().alarm).toBeNull();
    await w.drive([k], () => states(k, ids).every((s) => s === 'final'));
    expect(k.sync.status().peers.find((p) => p.role === 'primary')?.peerId).not.toBe(
      byz.peerId.toString(),
    );
  }, 60_000);

  it('dropped receipts: idempotent resubmission, every ballot final, each included once', async () => {
    const k = await w.kiosk();
    setAll('dropReceipts', true);
    const ids = k.enqueue(2);
    await w.drive([k], () => states(k, ids).every((s) => s === 'final'));
    setAll('dropReceipts', false);
    const st = k.sync.status();
    expect(st.delivery.receipted).toBe(0);
    expect(st.counters.submits).toBeGreaterThan(ids.length);
    const heights = ids.map((id) => {
      const s = w.t.net.validator(0).ballotStatus(Buffer.from(id).toString('hex'));
      return s?.kind === 'included' ? s.height : -1;
    });
    expect(heights.every((h) => h > 0)).toBe(true);
  }, 60_000);
});
