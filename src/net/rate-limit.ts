// Per-peer admission for served protocols: a token bucket (sustained rate plus burst) and
// a cap on concurrent requests. A kiosk retrying in a tight loop, or a misbehaving peer,
// then costs the validator one cheap error response instead of handler work.
import type { Clock } from '../shared/clock.js';
import { err, ok, type Result } from '../shared/result.js';

export interface RateLimit {
  /** Requests a peer may make at once after being idle. */
  burst: number;
  /** Sustained requests per second per peer. */
  perSecond: number;
  /** Requests from one peer being handled at the same time. */
  maxConcurrent: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 50, perSecond: 20, maxConcurrent: 8 };

export type Refusal = 'rate' | 'concurrency';

interface Bucket {
  tokens: number;
  at: number;
  inFlight: number;
}

/** Buckets kept before idle, full ones are forgotten; bounds memory under many peer ids. */
const MAX_TRACKED_PEERS = 4096;

export class PeerLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
  ) {
    if (!(limit.burst >= 1 && limit.perSecond > 0 && limit.maxConcurrent >= 1)) {
      throw new RangeError('rate limit needs burst >= 1, perSecond > 0, maxConcurrent >= 1');
    }
  }

  /** Takes a token and a concurrency slot; the returned function gives the slot back. */
  acquire(peer: string): Result<() => void, Refusal> {
    const now = this.clock.monotonic();
    let b = this.buckets.get(peer);
    if (b === undefined) {
      this.evictIdle(now);
      b = { tokens: this.limit.burst, at: now, inFlight: 0 };
      this.buckets.set(peer, b);
    } else {
      b.tokens = Math.min(
        this.limit.burst,
        b.tokens + ((now - b.at) / 1000) * this.limit.perSecond,
      );
      b.at = now;
    }
    if (b.inFlight >= this.limit.maxConcurrent) return err('concurrency');
    if (b.tokens < 1) return err('rate');
    b.tokens -= 1;
    b.inFlight += 1;
    const bucket = b;
    let released = false;
    return ok(() => {
      if (released) return;
      released = true;
      bucket.inFlight -= 1;
    });
  }

  private evictIdle(now: number): void {
    if (this.buckets.size < MAX_TRACKED_PEERS) return;
    for (const [peer, b] of this.buckets) {
      const refilled = b.tokens + ((now - b.at) / 1000) * this.limit.perSecond;
      if (b.inFlight === 0 && refilled >= this.limit.burst) this.buckets.delete(peer);
    }
  }
}
