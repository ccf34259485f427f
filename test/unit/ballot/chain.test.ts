import { describe, expect, it } from 'vitest';
import { chainGenesis } from '../../../src/ballot/envelope.js';
import { shortCode, verifyChain } from '../../../src/ballot/verify-chain.js';
import type { SealedBallot } from '../../../src/ballot/seal.js';
import { at, fixture, seal } from './fixtures.js';

const { ctx } = fixture();

function kioskRun(n: number, kioskId = 'kiosk-1'): SealedBallot[] {
  const out: SealedBallot[] = [];
  let prev = chainGenesis(kioskId);
  for (let i = 0; i < n; i++) {
    const s = seal(ctx, [[0, 0, 1, 0]], { style: 'mayor', kioskSeq: i, chainPrev: prev, kioskId });
    out.push(s);
    prev = s.confirmationCode;
  }
  return out;
}

describe('confirmation-code chain', () => {
  const run = kioskRun(5);
  const envs = run.map((s) => s.envelope);

  it('each code includes the previous one, and a full run verifies', () => {
    expect(envs[0]?.chainPrev).toEqual(chainGenesis('kiosk-1'));
    for (let i = 1; i < envs.length; i++)
      expect(envs[i]?.chainPrev).toEqual(envs[i - 1]?.confirmationCode);
    const r = verifyChain('kiosk-1', envs);
    expect(r.ok && r.value?.seq).toBe(4);
    // Continuing from an anchor (the kiosk publishes its chain at each sync).
    const first = verifyChain('kiosk-1', envs.slice(0, 2));
    expect(first.ok).toBe(true);
    if (first.ok) expect(verifyChain('kiosk-1', envs.slice(2), first.value).ok).toBe(true);
    expect(shortCode(at(run, 0).confirmationCode)).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){4}$/);
  });

  it('detects a dropped ballot', () => {
    const dropped = [at(envs, 0), at(envs, 1), at(envs, 3), at(envs, 4)];
    expect(verifyChain('kiosk-1', dropped)).toMatchObject({
      ok: false,
      error: { kind: 'gap', index: 2, expectedSeq: 2, seq: 3 },
    });
    // Also from an anchor: the next batch must start right after it.
    expect(
      verifyChain('kiosk-1', envs.slice(3), { seq: 1, code: at(envs, 1).confirmationCode }),
    ).toMatchObject({ ok: false, error: { kind: 'gap' } });
    // A dropped first ballot.
    expect(verifyChain('kiosk-1', envs.slice(1))).toMatchObject({
      ok: false,
      error: { kind: 'gap', index: 0 },
    });
  });

  it('detects a reordering', () => {
    const reordered = [at(envs, 0), at(envs, 2), at(envs, 1), at(envs, 3)];
    expect(verifyChain('kiosk-1', reordered).ok).toBe(false);
    const swappedBack = [at(envs, 0), at(envs, 1), at(envs, 1)];
    expect(verifyChain('kiosk-1', swappedBack)).toMatchObject({
      ok: false,
      error: { kind: 'reorder', index: 2 },
    });
  });

  it('detects a substituted ballot at the right seq (broken link) and another kiosk', () => {
    const other = kioskRun(3, 'kiosk-2').map((s) => s.envelope);
    const substitute = { ...at(other, 1), kioskId: 'kiosk-1' };
    expect(verifyChain('kiosk-1', [at(envs, 0), substitute])).toMatchObject({
      ok: false,
      error: { kind: 'broken-link', index: 1 },
    });
    expect(verifyChain('kiosk-1', [at(envs, 0), at(other, 1)])).toMatchObject({
      ok: false,
      error: { kind: 'wrong-kiosk', index: 1 },
    });
    // A forked chain: a second ballot sealed on the same predecessor breaks the next link.
    const fork = seal(ctx, [[1, 0, 0, 0]], {
      style: 'mayor',
      kioskSeq: 1,
      chainPrev: at(envs, 0).confirmationCode,
    }).envelope;
    expect(verifyChain('kiosk-1', [at(envs, 0), fork, at(envs, 2)])).toMatchObject({
      ok: false,
      error: { kind: 'broken-link', index: 2 },
    });
  });
});
