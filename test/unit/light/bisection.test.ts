import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerHash, type LightBlock } from '../../../src/protocol/header.js';
import { toHex } from '../../../src/protocol/hash.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { err, ok } from '../../../src/shared/result.js';
import {
  verifyAdjacent,
  verifyBackwards,
  verifyToHeight,
  type FetchHeader,
  type FetchLightBlock,
} from '../../../src/sync/light/index.js';
import {
  BLOCK_MS,
  buildChain,
  forge,
  members,
  OPTIONS,
  T0,
  type Chain,
  type Member,
} from './chain.js';

const HEIGHTS = 1000;
// Every 100 heights one of the four validators is replaced: by height 1000 none of the
// first set is left, so a direct jump cannot be trusted and bisection has to find a path.
const sliding = buildChain({
  heights: HEIGHTS,
  membersAt: (h) => {
    const k = Math.floor((h - 1) / 100);
    return members([k, k + 1, k + 2, k + 3]);
  },
});
// Every 250 heights the whole set is replaced at once.
const abrupt = buildChain({
  heights: HEIGHTS,
  membersAt: (h) => {
    const g = Math.floor((h - 1) / 250) * 4;
    return members([g + 50, g + 51, g + 52, g + 53]);
  },
});

function fetcher(chain: Chain, log: number[] = []): FetchLightBlock<{ kind: 'not-found' }> {
  return (height) => {
    log.push(height);
    const b = chain.blocks[height - 1];
    return Promise.resolve(b === undefined ? err({ kind: 'not-found' as const }) : ok(b));
  };
}

const clock = () => new ManualClock(T0 + (HEIGHTS + 1) * BLOCK_MS);

describe('bisection', () => {
  it('verifies 1 -> 1000 across a sliding set rotation with few fetches', async () => {
    const fetched: number[] = [];
    const r = await verifyToHeight({
      trusted: sliding.trustedAt(1),
      targetHeight: HEIGHTS,
      fetch: fetcher(sliding, fetched),
      clock: clock(),
      options: OPTIONS,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(toHex(headerHash(r.value.trusted.header))).toBe(
      toHex(headerHash(sliding.at(HEIGHTS).header)),
    );
    const heights = r.value.trace.map((b) => b.header.height);
    expect(heights.at(-1)).toBe(HEIGHTS);
    expect(heights).toEqual([...heights].sort((a, b) => a - b));
    // Far fewer than the 999 an adjacent walk needs, and more than one (rotation forced it).
    expect(r.value.fetches).toBeGreaterThan(1);
    expect(r.value.fetches).toBeLessThan(40);
    expect(fetched.length).toBe(r.value.fetches);
  });

  it('finds the handover heights when the set is replaced at once', async () => {
    const r = await verifyToHeight({
      trusted: abrupt.trustedAt(1),
      targetHeight: HEIGHTS,
      fetch: fetcher(abrupt),
      clock: clock(),
      options: OPTIONS,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const heights = r.value.trace.map((b) => b.header.height);
    // Only the last header of each set can hand trust to the next set.
    for (const handover of [250, 500, 750]) expect(heights).toContain(handover);
    expect(heights.at(-1)).toBe(HEIGHTS);
  });

  it('agrees with a plain adjacent walk over all 1000 heights', () => {
    let t = sliding.trustedAt(1);
    for (let h = 2; h <= HEIGHTS; h++) {
      const r = verifyAdjacent(t, sliding.at(h), T0 + (HEIGHTS + 1) * BLOCK_MS, OPTIONS);
      if (!r.ok) throw new Error(`height ${h}: ${JSON.stringify(r.error)}`);
      t = r.value.trusted;
    }
    expect(t.header.height).toBe(HEIGHTS);
  });

  it('is a no-op at the trusted height and refuses to go backwards', async () => {
    const args = { fetch: fetcher(sliding), clock: clock(), options: OPTIONS };
    const same = await verifyToHeight({ ...args, trusted: sliding.trustedAt(5), targetHeight: 5 });
    expect(same.ok && same.value.trace.length).toBe(0);
    const back = await verifyToHeight({ ...args, trusted: sliding.trustedAt(5), targetHeight: 4 });
    expect(back).toEqual({
      ok: false,
      error: { kind: 'target-below-trusted', trusted: 5, target: 4 },
    });
  });

  it('reports fetch failures, wrong heights, a fetch budget, and forged blocks', async () => {
    const base = { trusted: sliding.trustedAt(1), clock: clock(), options: OPTIONS };
    const missing = await verifyToHeight({
      ...base,
      targetHeight: HEIGHTS + 5,
      fetch: fetcher(sliding),
    });
    expect(missing).toEqual({
      ok: false,
      error: { kind: 'fetch-failed', height: HEIGHTS + 5, error: { kind: 'not-found' } },
    });
    const lying: FetchLightBlock<never> = () => Promise.resolve(ok(sliding.at(7)));
    expect(await verifyToHeight({ ...base, targetHeight: 9, fetch: lying })).toEqual({
      ok: false,
      error: { kind: 'wrong-height', requested: 9, got: 7 },
    });
    const budget = await verifyToHeight({
      ...base,
      targetHeight: HEIGHTS,
      fetch: fetcher(sliding),
      maxFetches: 3,
    });
    expect(budget).toEqual({ ok: false, error: { kind: 'too-many-fetches', fetches: 3 } });

    // A primary that serves a header forged by one trusted validator and strangers.
    const gang: Member[] = members([0, 900, 901, 902]);
    const forged = forge(sliding.at(50), gang, { setMembers: gang });
    const evil: FetchLightBlock<never> = (h) =>
      Promise.resolve(ok(h === 50 ? forged : sliding.at(h)));
    const r = await verifyToHeight({ ...base, targetHeight: 50, fetch: evil });
    // Too little trust to skip, so bisection walks down to 49 -> 50, where the forged set
    // is not the one header 49 announced.
    expect(r).toMatchObject({
      ok: false,
      error: {
        kind: 'verification-failed',
        height: 50,
        trustedHeight: 49,
        error: { kind: 'validators-not-trusted' },
      },
    });
  });

  it('reaches any target under any rotation schedule (property)', async () => {
    const epoch = fc.record({
      ids: fc.uniqueArray(fc.integer({ min: 200, max: 215 }), { minLength: 1, maxLength: 6 }),
      powers: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 6, maxLength: 6 }),
      length: fc.integer({ min: 1, max: 15 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(epoch, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        async (epochs, pick) => {
          const schedule: Member[][] = [];
          for (const e of epochs) {
            const ms = e.ids.map((id, i) => ({
              ...(members([id])[0] as Member),
              power: e.powers[i] ?? 1,
            }));
            for (let i = 0; i < e.length; i++) schedule.push(ms);
          }
          const heights = schedule.length + 1;
          const c = buildChain({
            heights,
            membersAt: (h) => schedule[Math.min(h, schedule.length) - 1] as Member[],
          });
          const target = 1 + (pick % heights);
          const r = await verifyToHeight({
            trusted: c.trustedAt(1),
            targetHeight: target,
            fetch: fetcher(c),
            clock: new ManualClock(T0 + (heights + 1) * BLOCK_MS),
            options: OPTIONS,
          });
          if (!r.ok) throw new Error(JSON.stringify(r.error));
          const want: LightBlock = c.at(target);
          expect(toHex(headerHash(r.value.trusted.header))).toBe(toHex(headerHash(want.header)));
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('backwards verification', () => {
  const headers: FetchHeader<{ kind: 'not-found' }> = (h) => {
    const b = sliding.blocks[h - 1];
    return Promise.resolve(b === undefined ? err({ kind: 'not-found' as const }) : ok(b.header));
  };

  it('walks the hash chain down from a trusted header without signatures', async () => {
    const r = await verifyBackwards({
      trusted: sliding.at(1000).header,
      targetHeight: 500,
      fetchHeader: headers,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(toHex(headerHash(r.value))).toBe(toHex(headerHash(sliding.at(500).header)));
  });

  it('refuses a header that its successor does not name, and bad targets', async () => {
    const swapped: FetchHeader<never> = (h) =>
      Promise.resolve(
        ok(
          h === 95
            ? { ...sliding.at(95).header, appHash: new Uint8Array(32) }
            : sliding.at(h).header,
        ),
      );
    expect(
      await verifyBackwards({
        trusted: sliding.at(100).header,
        targetHeight: 90,
        fetchHeader: swapped,
      }),
    ).toEqual({
      ok: false,
      error: { kind: 'hash-chain-broken', height: 95 },
    });
    expect(
      await verifyBackwards({
        trusted: sliding.at(100).header,
        targetHeight: 100,
        fetchHeader: headers,
      }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'target-not-below-trusted' },
    });
    const other = buildChain({ heights: 3, membersAt: () => members([1]), chainId: 'veche-other' });
    const foreign: FetchHeader<never> = (h) => Promise.resolve(ok(other.at(h).header));
    expect(
      await verifyBackwards({
        trusted: sliding.at(3).header,
        targetHeight: 1,
        fetchHeader: foreign,
      }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'wrong-chain-id' },
    });
  });
});
