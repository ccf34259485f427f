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
import { TAG, taggedHash, toHex } from '../../../src/protocol/hash.js';
import { devnetSigner } from '../../../src/devnet/keys.js';
import type { Ed25519Signer } from '../../../src/protocol/ed25519.js';
import {
  batchReceiptSignBytes,
  signBatchReceipt,
  HEADERS_PROTOCOL,
  PROOF_BATCH_PROTOCOL,
  STATE_PROTOCOL,
  SUBMIT_BATCH_PROTOCOL,
  type BatchReceipt,
  type ProofBatchItem,
  type SubmitBatchRequest,
  type SubmitBatchResponse,
} from '../../../src/protocol/light-rpc.js';
import { checkStoredReceipt } from '../../../src/sync/receipt-check.js';
import { deliveryFacts } from '../../../src/store/delivery-facts.js';
import { must } from '../../unit/devnet-net/helpers.js';
import { startWorld, states, type World } from './kiosk-net.js';

const UNLIMITED = { burst: 1_000_000, perSecond: 1_000_000, maxConcurrent: 64 };

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

  it('forged batch answers (receipts, paths, proofs, lengths) never store a receipt or make a ballot final', async () => {
    type SubmitMode =
      | 'honest'
      | 'short'
      | 'long'
      | 'reordered'
      | 'swapped-paths'
      | 'bad-signature'
      | 'stranger'
      | 'other-chain'
      | 'count'
      | 'no-receipt'
      | 'one-foreign';
    const mode = {
      proofs: 'other' as 'other' | 'long' | 'honest',
      submits: 'honest' as SubmitMode,
    };
    const honest = must(w.t.net.nodes[1]);
    const d = { validator: () => honest.validator, signer: honest.signer, faults: honest.faults };
    const stranger = devnetSigner('not-a-validator', 'forger');
    // A real inclusion proof of a ballot that is not the one asked about.
    const held: { decoy?: ProofBatchItem } = {};
    const resign = (
      r: BatchReceipt,
      body: Partial<BatchReceipt['body']>,
      signer: Ed25519Signer,
    ): BatchReceipt => {
      const b = { ...r.body, ...body };
      return { body: b, signature: signer.sign(batchReceiptSignBytes(b)) };
    };
    const forge = (req: SubmitBatchRequest, a: SubmitBatchResponse): SubmitBatchResponse => {
      const rc = a.receipt;
      const res = a.results;
      const swap = <T>(xs: T[]): T[] =>
        xs.length < 2 ? xs : [must(xs[1]), must(xs[0]), ...xs.slice(2)];
      switch (mode.submits) {
        case 'honest':
          return a;
        case 'short':
          return { ...a, results: res.slice(1) };
        case 'long':
          return { ...a, results: [...res, { status: 'rejected', reason: 'x', detail: '' }] };
        case 'reordered':
          return { ...a, results: swap(res) };
        case 'swapped-paths': {
          // Each item keeps its own index, with the other item's (real) path.
          const paths = swap(res.map((x) => (x.status === 'received' ? x.path : [])));
          return {
            ...a,
            results: res.map((x, i) =>
              x.status === 'received' ? { ...x, path: must(paths[i]) } : x,
            ),
          };
        }
        case 'bad-signature': {
          if (rc === null) return a;
          const signature = rc.signature.slice();
          signature[0] = (signature[0] ?? 0) ^ 1;
          return { ...a, receipt: { ...rc, signature } };
        }
        case 'stranger':
          return rc === null
            ? a
            : { ...a, receipt: resign(rc, { validator: stranger.publicKey }, stranger) };
        case 'other-chain':
          return rc === null ? a : { ...a, receipt: resign(rc, { chainId: 'other' }, d.signer) };
        case 'count':
          // A root the validator really signed, but claiming one leaf more than it answered.
          return rc === null
            ? a
            : { ...a, receipt: resign(rc, { count: rc.body.count + 1 }, d.signer) };
        case 'no-receipt':
          return { ...a, receipt: null };
        case 'one-foreign': {
          // A real signature over a root whose last leaf is some other transaction, with
          // true paths in that tree: the other items are covered, the last one is not.
          if (rc === null) return a;
          const ids = req.txs
            .filter((_, i) => res[i]?.status === 'received')
            .map((tx) => taggedHash(TAG.devnetTxId, tx));
          ids[ids.length - 1] = taggedHash('veche/test-foreign', new Uint8Array([ids.length]));
          const { receipt, tree } = signBatchReceipt(rc.body, ids, d.signer);
          let k = 0;
          return {
            receipt,
            results: res.map((x) =>
              x.status === 'received' ? { ...x, path: tree.proof(k++).path } : x,
            ),
          };
        }
      }
    };
    const forger = async (name: string) => {
      const s = must(
        await createNetNode({ keyFile: join(keyDir, `${name}.key`) }).then((r) =>
          r.ok ? r.value : undefined,
        ),
      );
      extra.push(s);
      // Many rounds in little real time: the per-peer rate limits are not under test here.
      await serve(s, { ...HEADERS_PROTOCOL, rateLimit: UNLIMITED }, (req) => answerHeaders(d, req));
      await serve(s, STATE_PROTOCOL, (req) => answerState(d, req));
      await serve(s, { ...SUBMIT_BATCH_PROTOCOL, rateLimit: UNLIMITED }, async (req) =>
        forge(req, await answerSubmitBatch(d, req)),
      );
      await serve(s, { ...PROOF_BATCH_PROTOCOL, rateLimit: UNLIMITED }, (req) => {
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
    // or proven, everything is retried; no item had an answer of its own, so none is "sent".
    mode.submits = 'short';
    mode.proofs = 'long';
    const ids = k.enqueue(4);
    await k.sync.runOnce();
    expect(states(k, ids)).toEqual(['queued', 'queued', 'queued', 'queued']);
    expect(k.sync.status().delivery.lastError).toContain('wrong length');

    // Each forged receipt, on fresh ballots (two per validator, so each batch has two
    // received items): answered, so "sent", but no receipt is stored.
    const forged: SubmitMode[] = [
      'long',
      'reordered',
      'swapped-paths',
      'bad-signature',
      'stranger',
      'other-chain',
      'count',
      'no-receipt',
    ];
    const all = [...ids];
    for (const m of forged) {
      mode.submits = m;
      const fresh = k.enqueue(4);
      all.push(...fresh);
      const bad = k.sync.status().delivery.badReceipts;
      await k.sync.runOnce();
      expect({ m, states: states(k, fresh) }).toEqual({
        m,
        states:
          m === 'long'
            ? ['queued', 'queued', 'queued', 'queued']
            : ['sent', 'sent', 'sent', 'sent'],
      });
      if (m !== 'long')
        expect(k.sync.status().delivery.badReceipts).toBeGreaterThanOrEqual(bad + 4);
      for (const id of fresh) expect(deliveryFacts(k.store, id)?.receipt).toBeNull();
    }
    expect(k.sync.status().delivery.receipted).toBe(0);

    // A forgery in one leaf costs only that item its receipt (two per batch: the first is
    // receipted with the path it came with, the last is not). An earlier ballot whose retry
    // is due may join a batch ahead of them; the last item stays the forged one.
    mode.submits = 'one-foreign';
    const mixed = k.enqueue(4);
    all.push(...mixed);
    await k.sync.runOnce();
    const ms = states(k, mixed);
    expect(ms.filter((x) => x === 'receipted')).toHaveLength(2);
    expect(ms.filter((x) => x === 'sent')).toHaveLength(2);
    for (const id of mixed.filter((_, i) => ms[i] === 'receipted')) {
      const v = checkStoredReceipt(k.store, toHex(id));
      expect(v.ok && v.value.valid && v.value.receipt?.coversSubmission).toBe(true);
    }

    // Honest submissions, but every proof answer is another ballot's (valid) proof.
    mode.submits = 'honest';
    mode.proofs = 'other';
    for (let i = 0; i < 6; i++) {
      await k.sync.runOnce();
      await w.t.step(300);
    }
    expect(states(k, all).some((s) => s === 'final')).toBe(false);
    expect(k.sync.status().delivery.badProofs).toBeGreaterThan(0);

    // Honest answers: everything final.
    mode.proofs = 'honest';
    // A few failed attempts each: backoff of seconds on the devnet's clock.
    await w.drive([k], () => k.sync.status().queue.final === all.length, 200);
    expect(states(k, all).every((s) => s === 'final')).toBe(true);
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
        receipt: null,
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
    // The answered ones are "sent" (a validator has seen them); the waiting ones "queued".
    const st2 = states(k, ids);
    expect(st2.filter((s) => s === 'sent')).toHaveLength(4 * 256);
    expect(st2.filter((s) => s === 'queued')).toHaveLength(4 * 256);
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
