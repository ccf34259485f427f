import { describe, expect, it } from 'vitest';
import { chainGenesis } from '../../../src/ballot/envelope.js';
import { opCounts, resetOpCounts } from '../../../src/ballot/group.js';
import { PreparedBallotPool } from '../../../src/ballot/pool.js';
import { prepareBallot, preparedMultiplications } from '../../../src/ballot/prepare.js';
import { sealBallot } from '../../../src/ballot/seal.js';
import { verifyEnvelope } from '../../../src/ballot/verify-envelope.js';
import { fixture, kioskSigner, NOW, SAMPLE_CHOICES } from './fixtures.js';

const { ctx } = fixture();

describe('prepared ballots and the pool', () => {
  it('the analytic multiplication count matches instrumentation, and sealing does none', () => {
    for (const style of ['six', 'full', 'mayor', 'jury']) {
      resetOpCounts();
      const prepared = prepareBallot(ctx, style);
      expect(opCounts.fixedBase, style).toBe(preparedMultiplications(ctx, style));
      expect(opCounts.variableBase).toBe(0);
      if (style !== 'full') continue;
      resetOpCounts();
      const r = sealBallot({
        ctx,
        prepared,
        choices: SAMPLE_CHOICES,
        nullifier: new Uint8Array(32),
        kioskId: 'k',
        kioskSeq: 0,
        chainPrev: chainGenesis('k'),
        now: NOW,
        signer: kioskSigner,
      });
      expect(r.ok).toBe(true);
      expect(opCounts.fixedBase + opCounts.variableBase).toBe(0);
    }
    // The 6-option single choice: 6 × (ξG, ξK, 2 × (wG, wK, cG)) + exactly-1 limit (wG, wK).
    expect(preparedMultiplications(ctx, 'six')).toBe(6 * 8 + 2);
  });

  it('fills while idle, hands each entry out once, and refills', async () => {
    const sizes: number[] = [];
    const pool = new PreparedBallotPool(ctx, 'mayor', {
      target: 3,
      onRefill: (n) => sizes.push(n),
    });
    pool.start();
    while (pool.size < 3) await new Promise((r) => setImmediate(r));
    expect(sizes).toEqual([1, 2, 3]);
    const a = pool.take();
    const b = pool.take();
    expect(a.contests[0]?.selections[0]?.xi).not.toBe(b.contests[0]?.selections[0]?.xi);
    expect(pool.size).toBe(1);
    while (pool.size < 3) await new Promise((r) => setImmediate(r));
    pool.stop();
    pool.clear();
    // Empty and stopped: take still returns a fresh entry, computed on the spot.
    const c = pool.take();
    const r = sealBallot({
      ctx,
      prepared: c,
      choices: [[0, 1, 0, 0]],
      nullifier: new Uint8Array(32),
      kioskId: 'k',
      kioskSeq: 0,
      chainPrev: chainGenesis('k'),
      now: NOW,
      signer: kioskSigner,
    });
    expect(r.ok && verifyEnvelope(ctx, r.value.signed, kioskSigner.publicKey).ok).toBe(true);
    expect(pool.size).toBe(0);
  });

  it('a prepared ballot for another election is refused', () => {
    const other = fixture('e-2026-other');
    const prepared = prepareBallot(other.ctx, 'mayor');
    const r = sealBallot({
      ctx,
      prepared,
      choices: [[0, 1, 0, 0]],
      nullifier: new Uint8Array(32),
      kioskId: 'k',
      kioskSeq: 0,
      chainPrev: chainGenesis('k'),
      now: NOW,
      signer: kioskSigner,
    });
    expect(r).toMatchObject({ ok: false, error: { kind: 'wrong-election' } });
  });
});
