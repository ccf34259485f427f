// Discrete log of small totals (a tally is at most ballots × R): baby-step giant-step with a
// table of j·G keyed by encoding. Tables are cached per size, since the same bound recurs.
import { toHex } from '../protocol/hash.js';
import { G, Point, smallMultipleOfG } from './group.js';

const tables = new Map<number, Map<string, number>>();

function babySteps(m: number): Map<string, number> {
  let t = tables.get(m);
  if (!t) {
    t = new Map();
    let p = Point.ZERO;
    for (let j = 0; j < m; j++) {
      t.set(toHex(p.toBytes()), j);
      p = p.add(G);
    }
    tables.set(m, t);
  }
  return t;
}

/** The x in 0..max with x·G = target, or undefined. */
export function discreteLog(target: Point, max: number): number | undefined {
  if (!Number.isSafeInteger(max) || max < 0) throw new RangeError('bad bound');
  const m = Math.max(1, Math.ceil(Math.sqrt(max + 1)));
  const baby = babySteps(m);
  const giant = smallMultipleOfG(m).negate();
  let y = target;
  for (let i = 0; i * m <= max; i++) {
    const j = baby.get(toHex(y.toBytes()));
    if (j !== undefined && i * m + j <= max) return i * m + j;
    y = y.add(giant);
  }
  return undefined;
}
