// Support measurements are exact fractions and thresholds are basis points, so every
// validator reaches the same verdict with integer arithmetic (no float rounding; BigInt so
// num × 10 000 cannot leave the safe range).
import type { Fraction } from './records.js';

export const BPS = 10_000n;

/** num/den < bps/10000. A fraction with den 0 (nobody voted) is never below anything. */
export function isBelow(f: Fraction, bps: number): boolean {
  if (f.den === 0) return false;
  return BigInt(f.num) * BPS < BigInt(bps) * BigInt(f.den);
}

/** num/den >= bps/10000; den 0 never reaches a threshold. */
export function reaches(f: Fraction, bps: number): boolean {
  if (f.den === 0) return false;
  return BigInt(f.num) * BPS >= BigInt(bps) * BigInt(f.den);
}
