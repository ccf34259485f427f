// Mempool maintenance after a block: proportional to the block (no re-check of what is
// still pending), and a full mempool refused with its own transient reason.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ballotVerifiers, decodeTx, encodeTx } from '../../../src/devnet/app/index.js';
import { InProcessHub } from '../../../src/devnet/consensus/hub.js';
import { ChainStore } from '../../../src/devnet/consensus/store.js';
import { Validator } from '../../../src/devnet/consensus/validator.js';
import { noFaults } from '../../../src/devnet/faults.js';
import { devnetGenesis } from '../../../src/devnet/genesis.js';
import { authoritySigner, validatorSigner } from '../../../src/devnet/keys.js';
import { answerSubmit } from '../../../src/devnet/rpc.js';
import { demoWorld, type DemoWorld } from '../../../src/devnet/world.js';
import { TAG, taggedHash, toHex } from '../../../src/protocol/hash.js';
import { headerHash } from '../../../src/protocol/header.js';
import { signProposal } from '../../../src/devnet/consensus/types.js';
import { merkleRoot } from '../../../src/protocol/merkle.js';
import { validatorSetHash } from '../../../src/protocol/validators.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { ok } from '../../../src/shared/result.js';
import { must, settle } from './helpers.js';

const SEED = 'mempool-test';
let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function setup(opts: { maxMempool?: number; maxBlockTxs?: number; checkCache?: number | false }) {
  const dir = mkdtempSync(join(tmpdir(), 'veche-mempool-'));
  const clock = new ManualClock(Date.UTC(2027, 0, 1));
  const store = new ChainStore(join(dir, 'v0.sqlite'));
  const hub = new InProcessHub();
  let verified = 0;
  const self: { v?: Validator } = {};
  const v = new Validator({
    genesis: devnetGenesis(SEED, 1, clock.now()),
    signer: validatorSigner(SEED, 0),
    store,
    clock,
    deps: {
      ...ballotVerifiers({ envelopeOf: () => undefined }),
      verifyBallot: () => {
        verified++;
        return ok(undefined);
      },
    },
    transport: hub.transportFor(() => self.v),
    blockMs: 1000,
    ...opts,
  });
  self.v = v;
  hub.join(v);
  v.start();
  cleanup = () => {
    v.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const step = async (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      clock.advance(100);
      await settle();
    }
  };
  return { v, clock, step, verified: () => verified };
}

/** Ballot transactions from the demo kiosk (random envelopes: the proof check is stubbed). */
function ballots(world: DemoWorld, n: number, nullifier?: Uint8Array): Uint8Array[] {
  const e = must(world.elections.find((x) => x.kind === 'referendum'));
  return Array.from({ length: n }, () => {
    const envelope = new Uint8Array(randomBytes(256));
    return encodeTx({
      body: {
        kind: 'ballot',
        electionId: e.electionId,
        kioskId: world.kiosk.kioskId,
        nullifier: nullifier ?? new Uint8Array(randomBytes(32)),
        ballotId: taggedHash(TAG.ballotId, envelope),
        envelope,
      },
      signature: world.kiosk.signer.sign(taggedHash(TAG.envelopeSignature, envelope)),
    });
  });
}

async function withWorld(s: ReturnType<typeof setup>): Promise<DemoWorld> {
  const world = demoWorld('mempool-world', authoritySigner(SEED), Math.floor(s.clock.now() / 1000));
  const drain = async () => {
    for (let i = 0; i < 100 && s.v.mempoolSize > 0; i++) await s.step(500);
  };
  for (const tx of world.txs) {
    let r = s.v.submit(tx);
    if (!r.ok && r.error.kind === 'mempool-full') {
      await drain();
      r = s.v.submit(tx);
    }
    expect(r.ok).toBe(true);
  }
  await drain();
  expect(s.v.mempoolSize).toBe(0);
  return world;
}

describe('devnet mempool', () => {
  it('a block of ballots costs the block, not a re-check of what stays pending', async () => {
    const s = setup({ maxBlockTxs: 4 });
    const world = await withWorld(s);
    const txs = ballots(world, 10);
    const before = s.verified();
    const hits = must(s.v.checkCacheStats()).hits;
    for (const tx of txs) expect(s.v.submit(tx)).toEqual({ ok: true, value: { kind: 'pending' } });
    expect(s.verified() - before).toBe(10);
    const h = s.v.committedHeight;
    for (let i = 0; i < 50 && s.v.mempoolSize > 0; i++) await s.step(500);
    expect(s.v.mempoolSize).toBe(0);
    expect(s.v.committedHeight).toBeGreaterThanOrEqual(h + 3);
    // CheckTx once per ballot; execution finds both checks (signature, proofs) of each in
    // the check cache. A full re-check after each block would add 6 + 2 more.
    expect(s.verified() - before).toBe(10);
    expect(must(s.v.checkCacheStats()).hits - hits).toBe(20);
    // Every ballot was included, and a resubmission is answered as such.
    for (const tx of txs) {
      const r = s.v.submit(tx);
      expect(r.ok && r.value.kind).toBe('included');
    }
  });

  it('a full mempool is refused as mempool-full, and drains', async () => {
    const s = setup({ maxMempool: 3 });
    const world = await withWorld(s);
    const txs = ballots(world, 4);
    for (const tx of txs.slice(0, 3)) expect(s.v.submit(tx).ok).toBe(true);
    expect(s.v.submit(must(txs[3]))).toEqual({
      ok: false,
      error: { kind: 'mempool-full', limit: 3 },
    });
    const d = { validator: () => s.v, signer: validatorSigner(SEED, 0), faults: noFaults() };
    expect(answerSubmit(d, { tx: must(txs[3]) })).toEqual({
      status: 'rejected',
      reason: 'mempool-full',
      detail: '3 txs',
    });
    for (let i = 0; i < 50 && s.v.mempoolSize > 0; i++) await s.step(500);
    expect(s.v.submit(must(txs[3]))).toEqual({ ok: true, value: { kind: 'pending' } });
  });

  it('a block with a ballot it never saw evicts the pending ballot of the same nullifier', async () => {
    const s = setup({});
    const world = await withWorld(s);
    const nullifier = new Uint8Array(randomBytes(32));
    const [mine] = ballots(world, 1, nullifier);
    const [theirs] = ballots(world, 1, nullifier);
    const [other] = ballots(world, 1);
    expect(s.v.submit(must(mine)).ok).toBe(true);
    expect(s.v.submit(must(other)).ok).toBe(true);
    const idOf = (tx: Uint8Array) => {
      const d = decodeTx(tx);
      if (!d.ok || d.value.body.kind !== 'ballot') throw new Error('not a ballot');
      return toHex(d.value.body.ballotId);
    };
    expect(s.v.hasPendingBallot(idOf(must(mine)))).toBe(true);
    // A block from "elsewhere" (proposed with the only validator's key) holding `theirs`:
    // the validator prevotes and precommits it itself, which decides at once.
    const h = s.v.committedHeight + 1;
    const last = must(s.v.lightBlock(h - 1)).header;
    const txs = [must(theirs)];
    const header = {
      chainId: s.v.chainId,
      height: h,
      time: last.time + 1,
      lastBlockId: headerHash(last),
      dataHash: merkleRoot(txs),
      validatorsHash: validatorSetHash(s.v.validatorSetAt(h)),
      nextValidatorsHash: validatorSetHash(s.v.validatorSetAt(h + 1)),
      appHash: must(s.v.stateAt(h)).appHash(),
    };
    const signer = validatorSigner(SEED, 0);
    const before = s.verified();
    s.v.receive(signProposal(signer, { round: 0, validRound: -1, header, txs, pol: [] }));
    expect(s.v.committedHeight).toBe(h);
    expect(s.v.ballotStatus(idOf(must(theirs)))?.kind).toBe('included');
    // Ours lost its nullifier: evicted (its re-check refused it); the unrelated one stays,
    // not re-checked: one verification for the block's ballot it never saw; the evicted
    // one's re-check finds its proofs in the check cache and loses on the nullifier.
    expect(s.v.hasPendingBallot(idOf(must(mine)))).toBe(false);
    expect(s.v.hasPendingBallot(idOf(must(other)))).toBe(true);
    expect(s.v.mempoolSize).toBe(1);
    expect(s.verified() - before).toBe(1);
  });

  it('without the check cache, execution verifies every ballot again', async () => {
    const s = setup({ maxBlockTxs: 4, checkCache: false });
    const world = await withWorld(s);
    const txs = ballots(world, 6);
    const before = s.verified();
    for (const tx of txs) expect(s.v.submit(tx).ok).toBe(true);
    for (let i = 0; i < 50 && s.v.mempoolSize > 0; i++) await s.step(500);
    expect(s.v.mempoolSize).toBe(0);
    expect(s.verified() - before).toBe(12);
    expect(s.v.checkCacheStats()).toBeNull();
  });
});
