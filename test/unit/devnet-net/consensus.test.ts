import { afterEach, describe, expect, it } from 'vitest';
import { encodeTx, key, signTx, DEFAULT_UNIT_PARAMS } from '../../../src/devnet/app/index.js';
import { toHex } from '../../../src/protocol/hash.js';
import { headerHash } from '../../../src/protocol/header.js';
import {
  DEFAULT_TRUST_OPTIONS,
  trustFromCheckpoint,
  verifyToHeight,
} from '../../../src/sync/light/index.js';
import { ok } from '../../../src/shared/result.js';
import { must, testNet, type TestNet } from './helpers.js';

let t: TestNet | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

function appHashes(tn: TestNet, height: number): string[] {
  return tn.net.nodes
    .filter((n) => n.running)
    .map((n) =>
      toHex((n.validator.lightBlock(height) as { header: { appHash: Uint8Array } }).header.appHash),
    );
}

describe('devnet consensus (in-process, manual clock)', () => {
  it('four validators commit the same blocks, and the light client verifies the chain', async () => {
    t = testNet();
    await t.until(5);
    for (let h = 1; h <= 5; h++) expect(new Set(appHashes(t, h)).size).toBe(1);
    const v0 = t.net.validator(0);
    const cp = t.net.checkpoint(1);
    const trusted = trustFromCheckpoint(
      cp,
      must(v0.lightBlock(1)),
      t.clock.now(),
      DEFAULT_TRUST_OPTIONS,
    );
    expect(trusted.ok).toBe(true);
    if (!trusted.ok) return;
    const r = await verifyToHeight({
      trusted: trusted.value.trusted,
      targetHeight: 5,
      fetch: async (h) => ok(must(v0.lightBlock(h))),
      clock: t.clock,
      options: DEFAULT_TRUST_OPTIONS,
    });
    expect(r.ok).toBe(true);
    // Rotating proposers: consecutive heights are proposed by different validators.
    expect(toHex(v0.proposerOf(2, 0))).not.toBe(toHex(v0.proposerOf(3, 0)));
  });

  it('includes authority transactions and executes them on every validator', async () => {
    t = testNet();
    const a = t.net.authority;
    const unit = signTx(
      { kind: 'unit-params', seq: 1, unit: 'village', parent: null, params: DEFAULT_UNIT_PARAMS },
      a,
    );
    expect(t.net.submit(encodeTx(unit), 2)).toEqual({ ok: true, value: { kind: 'pending' } });
    // Idempotent: the same bytes again are still just pending.
    expect(t.net.submit(encodeTx(unit), 2)).toEqual({ ok: true, value: { kind: 'pending' } });
    await t.until(3);
    for (const n of t.net.nodes) {
      expect(
        n.validator.stateAt(n.validator.committedHeight + 1)?.get(key.param('village')),
      ).toBeDefined();
    }
    // A replayed authority tx is refused at the mempool with the app's reason.
    const again = t.net.submit(encodeTx(unit), 1);
    expect(
      again.ok ? 'accepted' : again.error.kind === 'rejected' && again.error.rejection.kind,
    ).toBe('stale-seq');
  });

  it('stopping the devnet ends pending and later waitForHeight at once, not at the timeout', async () => {
    t = testNet();
    const pending = t.net.waitForHeight(1_000, 600_000);
    const outcome = pending.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    t.net.stop();
    expect(await outcome).toBe('devnet stopped');
    await expect(t.net.waitForHeight(1, 600_000)).rejects.toThrow('devnet stopped');
  });

  it('a crashed validator restarts from its store and catches up from peers', async () => {
    t = testNet();
    await t.until(2);
    t.net.crash(3);
    const before = t.net.validator(0).committedHeight;
    await t.until(before + 4);
    expect(must(t.net.nodes[3]).validator.committedHeight).toBeLessThan(before + 1);
    const v = t.net.restart(3);
    const target = t.net.validator(0).committedHeight + 1;
    await t.until(target);
    expect(v.committedHeight).toBeGreaterThanOrEqual(target);
    expect(new Set(appHashes(t, target)).size).toBe(1);
    expect(toHex(headerHash(must(v.lightBlock(target)).header))).toBe(
      toHex(headerHash(must(t.net.validator(0).lightBlock(target)).header)),
    );
  });

  it('a stalled validator is skipped by round timeouts; the others keep committing', async () => {
    t = testNet();
    await t.until(1);
    for (const n of t.net.nodes) n.faults.stalled = n.index === 1;
    const h = t.net.validator(0).committedHeight;
    await t.until(h + 6, 1000);
    const rounds = [];
    for (let x = h + 1; x <= h + 6; x++)
      rounds.push(must(t.net.validator(0).lightBlock(x)).commit.round);
    // Some height had validator 1 as its round-0 proposer and needed round 1.
    expect(rounds.some((r) => r > 0)).toBe(true);
    // Its signature is in no commit while stalled.
    const v1 = toHex(must(t.net.nodes[1]).signer.publicKey);
    for (let x = h + 2; x <= h + 6; x++) {
      expect(
        must(t.net.validator(0).lightBlock(x)).commit.signatures.map((s) => toHex(s.pubKey)),
      ).not.toContain(v1);
    }
  });
});
