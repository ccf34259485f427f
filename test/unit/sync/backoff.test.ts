import { describe, expect, it } from 'vitest';
import { fullJitterDelay, RetrySchedule } from '../../../src/sync/backoff.js';
import { runPool } from '../../../src/sync/pool.js';
import { toRejectReason } from '../../../src/sync/reasons.js';
import { REJECT_REASONS } from '../../../src/store/index.js';

const o = { baseMs: 100, capMs: 1000 };

describe('full-jitter backoff', () => {
  it('is uniform in [0, min(cap, base·2^n)] and driven by the injected random', () => {
    expect(fullJitterDelay(0, () => 0.999, o)).toBe(99);
    expect(fullJitterDelay(2, () => 0.5, o)).toBe(200);
    expect(fullJitterDelay(10, () => 0.999, o)).toBe(999);
    expect(fullJitterDelay(10, () => 0, o)).toBe(0);
    expect(fullJitterDelay(10_000, () => 0.5, o)).toBe(500);
  });

  it('a schedule keeps a key out until its delay passed, and grows per failure', () => {
    const s = new RetrySchedule(() => 0.999, o);
    expect(s.due('a', 0)).toBe(true);
    expect(s.failed('a', 0)).toBe(99);
    expect(s.due('a', 98)).toBe(false);
    expect(s.due('a', 99)).toBe(true);
    expect(s.failed('a', 99)).toBe(199);
    expect(s.attempts('a')).toBe(2);
    s.clear('a');
    expect(s.due('a', 99)).toBe(true);
    expect(s.attempts('a')).toBe(0);
  });
});

describe('pool', () => {
  it('never has more than `limit` jobs in flight and runs every item once', async () => {
    let inFlight = 0;
    let max = 0;
    const seen: number[] = [];
    await runPool([...Array(20).keys()], 3, async (x) => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      seen.push(x);
      inFlight--;
    });
    expect(max).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });
});

describe('rejection reasons', () => {
  it('maps network kinds into the closed set, unknown text to other', () => {
    expect(toRejectReason('duplicate-nullifier')).toBe('duplicate-nullifier');
    expect(toRejectReason('ballot-invalid')).toBe('invalid-proof');
    expect(toRejectReason('outside-window')).toBe('election-closed');
    expect(toRejectReason('kiosk-revoked')).toBe('unregistered-kiosk');
    expect(toRejectReason('<script>')).toBe('other');
    for (const r of ['bad-signature', 'malformed', 'not-drawn-juror', 'x']) {
      expect(REJECT_REASONS).toContain(toRejectReason(r));
    }
  });
});

describe('transient refusals', () => {
  it('a full mempool is retried, a malformed ballot is not', async () => {
    const { isTransientRefusal } = await import('../../../src/sync/reasons.js');
    expect(isTransientRefusal('mempool-full')).toBe(true);
    // The devnet's old encoding of a full mempool is an ordinary, terminal refusal now.
    expect(isTransientRefusal('malformed')).toBe(false);
    expect(isTransientRefusal('duplicate-nullifier')).toBe(false);
  });
});
