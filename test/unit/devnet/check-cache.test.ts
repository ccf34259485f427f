// The validator's stateless-check cache: execution skips the signature and proof checks that
// CheckTx already ran on the same bytes, and nothing else. A changed byte is a different key,
// a different key or definition is a miss, only successes are remembered, the cache is
// bounded, and a block's outcome and appHash are the same with a warm cache or none.
import { describe, expect, it } from 'vitest';
import {
  applyBlock,
  applyTx,
  encodeTx,
  type AppDeps,
  type Tx,
  type TxOutcome,
} from '../../../src/devnet/app/index.js';
import { CheckCache } from '../../../src/devnet/consensus/check-cache.js';
import { toHex } from '../../../src/protocol/hash.js';
import { txHash } from '../../../src/devnet/app/index.js';
import {
  acceptingDeps,
  ballotTx,
  bytes32,
  Chain,
  electionBody,
  expectOk,
  signer,
  withUnit,
} from './harness.js';

const keyOf = (bytes: Uint8Array): string => toHex(txHash(bytes));

function counting(): { deps: AppDeps; proofs: () => number } {
  let n = 0;
  return {
    deps: {
      ...acceptingDeps,
      verifyBallot(bytes, election, claim) {
        n++;
        return acceptingDeps.verifyBallot(bytes, election, claim);
      },
    },
    proofs: () => n,
  };
}

function setup() {
  const c = counting();
  const chain = new Chain(c.deps);
  const u = withUnit(chain, 'village');
  expectOk(chain.one(chain.auth(electionBody(chain, 'e1', 'village', { kind: 'general' }))));
  return { chain, ...u, ...c };
}

/** CheckTx as a validator runs it: against the committed state, through the cache. */
function checkTx(chain: Chain, tx: Tx, cache: CheckCache): boolean {
  const bytes = encodeTx(tx);
  return applyTx(chain.state, tx, chain.ctx(), chain.deps, { memo: cache, txKey: keyOf(bytes) }).ok;
}

function execute(chain: Chain, txs: Uint8Array[], cache: CheckCache | null): TxOutcome[] {
  chain.timeS += 60;
  const ctx = chain.ctx();
  const r = applyBlock(
    chain.state,
    txs,
    ctx,
    chain.deps,
    cache === null ? undefined : { memo: cache, txKeys: txs.map(keyOf) },
  );
  chain.state = r.state;
  chain.height = ctx.height;
  return r.outcomes;
}

const flipSignatureByte = (tx: Tx): Uint8Array => {
  const signature = Uint8Array.from(tx.signature);
  signature[7] = (signature[7] as number) ^ 0x01;
  return encodeTx({ ...tx, signature });
};

describe('stateless-check cache', () => {
  it('execution skips the signature and proof checks CheckTx ran on the same bytes', () => {
    const s = setup();
    const cache = new CheckCache();
    const tx = ballotTx('e1', s.kioskId, s.kiosk, bytes32('v1'));
    expect(checkTx(s.chain, tx, cache)).toBe(true);
    expect(s.proofs()).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 0, size: 1 });
    const [o] = execute(s.chain, [encodeTx(tx)], cache);
    expectOk(o as TxOutcome);
    expect(s.proofs()).toBe(1);
    expect(cache.stats().hits).toBe(2);
  });

  it('refuses a copy with one changed signature byte even though its sibling is cached', () => {
    const s = setup();
    const cache = new CheckCache();
    const tx = ballotTx('e1', s.kioskId, s.kiosk, bytes32('v1'));
    expect(checkTx(s.chain, tx, cache)).toBe(true);
    const forged = flipSignatureByte(tx);
    expect(keyOf(forged)).not.toBe(keyOf(encodeTx(tx)));
    // The forged copy first, so it meets the state the genuine one was checked against.
    const [bad, good] = execute(s.chain, [forged, encodeTx(tx)], cache);
    expect(bad?.ok ? 'ok' : bad?.rejection).toEqual({ kind: 'bad-signature', signer: 'kiosk' });
    expectOk(good as TxOutcome);
  });

  it('keeps the stateful rules: a cached ballot still loses on its nullifier', () => {
    const s = setup();
    const cache = new CheckCache();
    const a = ballotTx('e1', s.kioskId, s.kiosk, bytes32('same'), 'a');
    const b = ballotTx('e1', s.kioskId, s.kiosk, bytes32('same'), 'b');
    expect(checkTx(s.chain, a, cache)).toBe(true);
    expect(checkTx(s.chain, b, cache)).toBe(true);
    const [first, second] = execute(s.chain, [encodeTx(a), encodeTx(b)], cache);
    expectOk(first as TxOutcome);
    expect(second?.ok ? 'ok' : second?.rejection.kind).toBe('duplicate-nullifier');
    expect(s.proofs()).toBe(2);
  });

  it('misses for another key or definition, and remembers only successes', () => {
    const cache = new CheckCache();
    const k = 'ab'.repeat(32);
    const pk = signer('a').publicKey;
    cache.add(k, { kind: 'signature', publicKey: pk });
    expect(cache.has(k, { kind: 'signature', publicKey: pk })).toBe(true);
    expect(cache.has(k, { kind: 'signature', publicKey: signer('b').publicKey })).toBe(false);
    expect(cache.has('cd'.repeat(32), { kind: 'signature', publicKey: pk })).toBe(false);
    const ballot = { kind: 'ballot', definition: bytes32('d1'), unit: 'u', kioskKey: pk } as const;
    expect(cache.has(k, ballot)).toBe(false);
    cache.add(k, ballot);
    expect(cache.has(k, ballot)).toBe(true);
    expect(cache.has(k, { ...ballot, definition: bytes32('d2') })).toBe(false);
    expect(cache.has(k, { ...ballot, unit: 'other' })).toBe(false);

    const s = setup();
    const c2 = new CheckCache();
    const impostor = ballotTx('e1', s.kioskId, signer('impostor'), bytes32('v'));
    expect(checkTx(s.chain, impostor, c2)).toBe(false);
    expect(c2.stats().size).toBe(0);
  });

  it('is bounded: the oldest entry goes first and is simply checked again', () => {
    const s = setup();
    const cache = new CheckCache(2);
    const txs = ['v1', 'v2', 'v3'].map((n) => ballotTx('e1', s.kioskId, s.kiosk, bytes32(n)));
    for (const tx of txs) expect(checkTx(s.chain, tx, cache)).toBe(true);
    expect(cache.stats()).toMatchObject({ size: 2, evictions: 1 });
    const [t1, t2] = txs.map(encodeTx);
    const pk = s.kiosk.publicKey;
    expect(cache.has(keyOf(t1 as Uint8Array), { kind: 'signature', publicKey: pk })).toBe(false);
    expect(cache.has(keyOf(t2 as Uint8Array), { kind: 'signature', publicKey: pk })).toBe(true);
    const outcomes = execute(s.chain, txs.map(encodeTx), cache);
    outcomes.forEach((o) => expectOk(o));
    // The evicted ballot's proofs were verified again at execution; the other two were not.
    expect(s.proofs()).toBe(4);
    expect(() => new CheckCache(0)).toThrow(RangeError);
  });

  it('never changes a result: same outcomes and appHash with a warm cache and without', () => {
    const runs = [true, false].map((warm) => {
      const s = setup();
      const cache = new CheckCache();
      const txs = [
        ballotTx('e1', s.kioskId, s.kiosk, bytes32('x1')),
        ballotTx('e1', s.kioskId, s.kiosk, bytes32('x2')),
        ballotTx('e1', s.kioskId, signer('impostor'), bytes32('x3')),
      ];
      if (warm) for (const tx of txs) checkTx(s.chain, tx, cache);
      const bytes = [...txs.map(encodeTx), flipSignatureByte(txs[0] as Tx)];
      const outcomes = execute(s.chain, bytes, warm ? cache : null);
      return { outcomes, appHash: toHex(s.chain.state.appHash()) };
    });
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]?.outcomes.map((o) => o.ok)).toEqual([true, true, false, false]);
  });
});
