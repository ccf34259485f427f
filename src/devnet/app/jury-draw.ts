// Verifiable jury draws. The seed hashes the ids of the blocks committed after the request
// (so the requester cannot choose it); the draw is a partial Fisher–Yates shuffle of the
// pool in canonical order, driven by a hash stream with rejection sampling (no modulo bias).
// Anyone holding the pool (public: the qualified-juror entries at the draw height) and the
// block ids recomputes exactly the same jurors.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { compareBytes, equalBytes } from '../../protocol/bytes.js';
import { TAG, taggedHash } from '../../protocol/hash.js';

function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

/** seed = H(jury-seed, billId, id_1, …, id_k): block ids oldest first. */
export function jurySeed(billId: string, blockIds: readonly Uint8Array[]): Uint8Array {
  if (blockIds.length === 0) throw new RangeError('a jury seed needs at least one block id');
  return taggedHash(TAG.jurySeed, utf8ToBytes(billId), ...blockIds);
}

/** The pool in canonical (bytewise) order; a repeated entry is a caller bug. */
export function canonicalPool(candidates: readonly Uint8Array[]): Uint8Array[] {
  const pool = [...candidates].sort(compareBytes);
  for (let i = 1; i < pool.length; i++) {
    if (compareBytes(pool[i - 1] as Uint8Array, pool[i] as Uint8Array) === 0) {
      throw new RangeError('jury pool repeats an entry');
    }
  }
  return pool;
}

/** Commits to the pool a draw was made from (stored with the draw). */
export function juryPoolHash(candidates: readonly Uint8Array[]): Uint8Array {
  return taggedHash(TAG.juryPool, ...canonicalPool(candidates));
}

const TWO_48 = 2 ** 48;

/** Uniform integers in [0, m) from the seed: 48-bit words, rejecting the biased tail. */
function uniformStream(seed: Uint8Array): (m: number) => number {
  let counter = 0;
  let block: Uint8Array = new Uint8Array(0);
  let offset = 0;
  const next48 = (): number => {
    if (offset + 6 > block.length) {
      block = taggedHash(TAG.juryStream, seed, u32be(counter++));
      offset = 0;
    }
    let x = 0;
    for (let i = 0; i < 6; i++) x = x * 256 + (block[offset + i] as number);
    offset += 6;
    return x;
  };
  return (m) => {
    const limit = TWO_48 - (TWO_48 % m);
    for (;;) {
      const x = next48();
      if (x < limit) return x % m;
    }
  };
}

/**
 * Draws `size` distinct jurors. Order matters only for presentation: the first drawn is
 * first. Throws when the pool is smaller than the jury (the app checks before calling).
 */
export function drawJury(
  candidates: readonly Uint8Array[],
  size: number,
  seed: Uint8Array,
): Uint8Array[] {
  const pool = canonicalPool(candidates);
  if (!Number.isSafeInteger(size) || size < 0 || size > pool.length) {
    throw new RangeError(`cannot draw ${size} from a pool of ${pool.length}`);
  }
  const uniform = uniformStream(seed);
  for (let i = 0; i < size; i++) {
    const j = i + uniform(pool.length - i);
    const t = pool[i] as Uint8Array;
    pool[i] = pool[j] as Uint8Array;
    pool[j] = t;
  }
  return pool.slice(0, size);
}

/** Recomputes a published draw from public data: same pool, block ids and size, same jurors. */
export function verifyJuryDraw(
  published: { billId: string; jurors: readonly Uint8Array[]; poolHash: Uint8Array },
  candidates: readonly Uint8Array[],
  blockIds: readonly Uint8Array[],
): boolean {
  const pool = [...candidates].sort(compareBytes);
  if (pool.some((c, i) => i > 0 && compareBytes(pool[i - 1] as Uint8Array, c) === 0)) return false;
  if (!equalBytes(juryPoolHash(pool), published.poolHash)) return false;
  if (published.jurors.length > pool.length || blockIds.length === 0) return false;
  const again = drawJury(candidates, published.jurors.length, jurySeed(published.billId, blockIds));
  return again.every((j, i) => equalBytes(j, published.jurors[i] as Uint8Array));
}
