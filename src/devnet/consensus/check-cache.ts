// A validator's memory of the stateless checks its transactions passed. Every transaction is
// checked at CheckTx (mempool admission or relay) and again when its block executes; the
// signature (and, when the ballot module verifies them, the ballot proofs) cost far more
// than the stateful rules, and their result cannot change between the two: it is a pure
// function of the transaction bytes and the key or election definition read from the state.
//
// So an entry is keyed by the hash of the full transaction bytes (txId) and remembers the
// state-derived inputs its checks passed with. A lookup hits only for the same bytes and the
// same inputs, so the cache can only skip a computation whose result is already known to be
// "valid": it never admits anything, never changes a result (determinism across validators
// with and without a warm cache), and everything stateful (nullifier, window, registration,
// seq) is still checked at execution. Only successes are remembered. Bounded, oldest first out.
import { equalBytes } from '../../protocol/bytes.js';
import { assertNever } from '../../shared/result.js';
import type { StatelessCheck, StatelessMemo } from '../app/index.js';

/** Default size: a full mempool (10 000) plus the blocks being executed. */
export const CHECK_CACHE_SIZE = 16_384;

interface Entry {
  signer: Uint8Array | null;
  ballot: { definition: Uint8Array; unit: string; kioskKey: Uint8Array } | null;
}

export interface CheckCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
  readonly size: number;
}

export class CheckCache implements StatelessMemo {
  private readonly entries = new Map<string, Entry>();
  private hitCount = 0;
  private missCount = 0;
  private evictionCount = 0;

  constructor(private readonly capacity = CHECK_CACHE_SIZE) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`check cache capacity ${capacity} is not a positive integer`);
    }
  }

  has(txKey: string, check: StatelessCheck): boolean {
    const e = this.entries.get(txKey);
    const hit = e !== undefined && matches(e, check);
    if (hit) this.hitCount++;
    else this.missCount++;
    return hit;
  }

  add(txKey: string, check: StatelessCheck): void {
    let e = this.entries.get(txKey);
    if (e === undefined) {
      if (this.entries.size >= this.capacity) {
        const oldest = this.entries.keys().next();
        if (oldest.done !== true) this.entries.delete(oldest.value);
        this.evictionCount++;
      }
      e = { signer: null, ballot: null };
      this.entries.set(txKey, e);
    }
    switch (check.kind) {
      case 'signature':
        e.signer = check.publicKey;
        return;
      case 'ballot':
        e.ballot = { definition: check.definition, unit: check.unit, kioskKey: check.kioskKey };
        return;
      default:
        return assertNever(check, 'stateless check');
    }
  }

  /** Forgets a transaction (its block executed: it will not be checked again). */
  delete(txKey: string): void {
    this.entries.delete(txKey);
  }

  stats(): CheckCacheStats {
    return {
      hits: this.hitCount,
      misses: this.missCount,
      evictions: this.evictionCount,
      size: this.entries.size,
    };
  }
}

function matches(e: Entry, check: StatelessCheck): boolean {
  switch (check.kind) {
    case 'signature':
      return e.signer !== null && equalBytes(e.signer, check.publicKey);
    case 'ballot':
      return (
        e.ballot !== null &&
        e.ballot.unit === check.unit &&
        equalBytes(e.ballot.kioskKey, check.kioskKey) &&
        equalBytes(e.ballot.definition, check.definition)
      );
    default:
      return assertNever(check, 'stateless check');
  }
}
