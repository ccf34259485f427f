// The batch protocols (/veche/submit-batch/1, /veche/proof-batch/1): used when validators
// serve them, the unary ones otherwise; one bad ballot in a batch is refused alone; and a
// forged batch answer never makes a ballot final.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerHeaders,
  answerProofBatch,
  answerState,
  answerSubmitBatch,
} from '../../../src/devnet/rpc.js';
import { createNetNode, type NetNode } from '../../../src/net/node.js';
import { serve } from '../../../src/net/reqres.js';
import { TAG, taggedHash } from '../../../src/protocol/hash.js';
import {
  HEADERS_PROTOCOL,
  PROOF_BATCH_PROTOCOL,
  STATE_PROTOCOL,
  SUBMIT_BATCH_PROTOCOL,
  type ProofResponse,
} from '../../../src/protocol/light-rpc.js';
import { must } from '../../unit/devnet-net/helpers.js';
import { startWorld, states, type World } from './kiosk-net.js';

describe('sync: batch protocols', () => {
  let w: World;
  let keyDir: string;
  const extra: NetNode[] = [];
  beforeAll(async () => {
    w = await startWorld();
    keyDir = mkdtempSync(join(tmpdir(), 'veche-sync-batch-'));
  }, 30_000);
  afterAll(async () => {
    for (const n of extra) await n.stop();
    await w?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('a backlog goes out in batches, and one malformed ballot is refused alone', async () => {
    const p = w.provisioning();
    // Two validators, so each batch carries several ballots.
    const k = await w.kiosk({ ...p, validators: p.validators.slice(0, 2) });
    const good = [...k.enqueue(3)];
    const bad = new Uint8Array([0xa1, 0x61, 0x78, 0x01]);
    const badId = taggedHash(TAG.ballotId, bad);
    k.enqueueBytes(bad, badId);
    good.push(...k.enqueue(4));
    await w.drive([k], () => k.sync.status().queue.final === good.length);
    expect(states(k, good).every((s) => s === 'final')).toBe(true);
    const row = must(k.store.outbox.get(badId));
    expect(row.state).toBe('rejected');
    expect(row.rejectReason).toBe('malformed');
    const c = k.sync.status().counters;
    expect(c.submitBatches).toBeGreaterThanOrEqual(2);
    expect(c.submitBatches).toBeLessThan(8);
    expect(c.proofBatches).toBeGreaterThanOrEqual(1);
    expect(k.sync.status().delivery.rejected).toBe(1);
  });

  it('forged batch answers (other ballots\u2019 proofs, wrong lengths) never make a ballot final', async () => {
    const mode = {
      proofs: 'other' as 'other' | 'long' | 'honest',
      submits: 'honest' as 'short' | 'honest',
    };
    const honest = must(w.t.net.nodes[1]);
    const d = { validator: () => honest.validator, signer: honest.signer, faults: honest.faults };
    // A real inclusion proof of a ballot that is not the one asked about.
    const held: { decoy?: ProofResponse } = {};
    const forger = async (name: string) => {
      const s = must(
        await createNetNode({ keyFile: join(keyDir, `${name}.key`) }).then((r) =>
          r.ok ? r.value : undefined,
        ),
      );
      extra.push(s);
      await serve(s, HEADERS_PROTOCOL, (req) => answerHeaders(d, req));
      await serve(s, STATE_PROTOCOL, (req) => answerState(d, req));
      await serve(s, SUBMIT_BATCH_PROTOCOL, async (req) => {
        const a = await answerSubmitBatch(d, req);
        return mode.submits === 'short' ? { results: a.results.slice(1) } : a;
      });
      await serve(s, PROOF_BATCH_PROTOCOL, (req) => {
        const a = answerProofBatch(d, req);
        switch (mode.proofs) {
          case 'honest':
            return a;
          case 'long':
            return { results: [...a.results, { status: 'pending' as const }] };
          case 'other':
            return { results: req.ballotIds.map(() => must(held.decoy)) };
        }
      });
      return s;
    };
    const f = [await forger('forger-a'), await forger('forger-b')];
    const p = w.provisioning();
    const k = await w.kiosk({
      ...p,
      validators: f.map((s) => ({
        peerId: s.peerId.toString(),
        multiaddrs: s.multiaddrs().map((a) => a.toString()),
      })),
    });
    // The decoy: some other kiosk's ballot, included honestly.
    const other = await w.kiosk();
    const [otherId] = other.enqueue(1);
    await w.drive([other], () => other.sync.status().queue.final === 1);
    held.decoy = answerProofBatch(d, { ballotIds: [must(otherId)] }).results[0];
    expect(held.decoy?.status).toBe('included');

    // Submissions answered one short and proof answers one too long: nothing is receipted
    // or proven, everything is retried.
    mode.submits = 'short';
    mode.proofs = 'long';
    const ids = k.enqueue(3);
    for (let i = 0; i < 3; i++) {
      await k.sync.runOnce();
      await w.t.step(300);
    }
    expect(states(k, ids).every((s) => s === 'sent')).toBe(true);
    expect(k.sync.status().delivery.receipted).toBe(0);
    expect(k.sync.status().delivery.lastError).toContain('wrong length');

    // Honest submissions, but every proof answer is another ballot's (valid) proof.
    mode.submits = 'honest';
    mode.proofs = 'other';
    for (let i = 0; i < 12; i++) {
      await k.sync.runOnce();
      await w.t.step(300);
    }
    expect(states(k, ids).some((s) => s === 'final')).toBe(false);
    expect(k.sync.status().delivery.badProofs).toBeGreaterThan(0);

    // Honest answers: everything final.
    mode.proofs = 'honest';
    await w.drive([k], () => k.sync.status().queue.final === 3);
    expect(states(k, ids)).toEqual(['final', 'final', 'final']);
  });
});

describe('sync: a full mempool', () => {
  let w: World;
  let keyDir: string;
  const extra: NetNode[] = [];
  beforeAll(async () => {
    w = await startWorld();
    keyDir = mkdtempSync(join(tmpdir(), 'veche-sync-full-'));
  }, 30_000);
  afterAll(async () => {
    for (const n of extra) await n.stop();
    await w?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('is retried, and the rest of the backlog waits instead of being refused too', async () => {
    const honest = must(w.t.net.nodes[1]);
    const d = { validator: () => honest.validator, signer: honest.signer, faults: honest.faults };
    const full = async (name: string) => {
      const s = must(
        await createNetNode({ keyFile: join(keyDir, `${name}.key`) }).then((r) =>
          r.ok ? r.value : undefined,
        ),
      );
      extra.push(s);
      await serve(s, HEADERS_PROTOCOL, (req) => answerHeaders(d, req));
      await serve(s, STATE_PROTOCOL, (req) => answerState(d, req));
      await serve(s, SUBMIT_BATCH_PROTOCOL, (req) => ({
        results: req.txs.map(() => ({
          status: 'rejected' as const,
          reason: 'mempool-full',
          detail: '10000 txs',
        })),
      }));
      await serve(s, PROOF_BATCH_PROTOCOL, (req) => ({
        results: req.ballotIds.map(() => ({ status: 'unknown' as const })),
      }));
      return s;
    };
    const f = [await full('full-a'), await full('full-b')];
    const k = await w.kiosk(
      {
        ...w.provisioning(),
        validators: f.map((s) => ({
          peerId: s.peerId.toString(),
          multiaddrs: s.multiaddrs().map((a) => a.toString()),
        })),
      },
      'full-kiosk',
      { maxPerRound: 4096 },
    );
    // 4 chunks of 256 per validator; the answers are never looked at beyond "full".
    const ids: Uint8Array[] = [];
    for (let i = 0; i < 2048; i++) {
      const tx = taggedHash('veche/test-filler', new Uint8Array([i >> 8, i & 255]));
      const id = taggedHash(TAG.ballotId, tx);
      k.enqueueBytes(tx, id);
      ids.push(id);
    }
    await k.sync.runOnce();
    const st = k.sync.status();
    // Two chunks in flight per validator come back "full"; the other two wait.
    expect(st.counters.submitBatches).toBe(4);
    expect(st.delivery.submitted).toBe(4 * 256);
    expect(st.delivery.rejected).toBe(0);
    expect(st.queue.rejected).toBe(0);
    expect(states(k, ids).every((s) => s === 'sent')).toBe(true);
  });
});

describe('sync: validators without the batch protocols', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({}, { batch: false });
  }, 30_000);
  afterAll(async () => {
    await w?.close();
  });

  it('falls back to the unary protocols and still ends final', async () => {
    const k = await w.kiosk();
    const ids = k.enqueue(5);
    await w.drive([k], () => k.sync.status().queue.final === 5);
    expect(states(k, ids).every((s) => s === 'final')).toBe(true);
    const c = k.sync.status().counters;
    // Each validator was tried once with a batch, then only unary calls went to it.
    expect(c.submitBatches).toBeLessThanOrEqual(4);
    expect(c.submits).toBeGreaterThanOrEqual(5);
    expect(c.proofBatches).toBeLessThanOrEqual(4);
  });
});
