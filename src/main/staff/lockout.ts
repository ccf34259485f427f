// Wrong-PIN lockout: a few free tries, then a wait that doubles with every further failure, up
// to a cap. The counter lives in a file (atomic, 0600) and an attempt is counted *before* the
// PIN is checked, so neither a restart nor pulling the plug during the check buys a free guess.
// Wall-clock time, because the wait must survive a restart; see clampToClock for clock jumps.
import { z } from 'zod';
import { decodeCanonical, encodeCanonical } from '../../protocol/encoding.js';
import { err, ok, type Result } from '../../shared/result.js';
import { readFileIfExists, writeFileAtomic, type FileError } from '../keys/atomic-file.js';

export interface LockoutPolicy {
  /** Wrong PINs allowed before the first wait. */
  readonly freeAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** 3 free tries, then 30 s, 60 s, 120 s … capped at one hour. With a 6-digit PIN that is
 * about 24 guesses a day once the cap is reached. */
export const DEFAULT_LOCKOUT: LockoutPolicy = {
  freeAttempts: 3,
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
};

export interface LockoutState {
  /** Consecutive wrong PINs since the last successful sign-in. */
  readonly failures: number;
  /** Wall time of the last counted attempt (ms); 0 when none. */
  readonly lastFailureAt: number;
}

export const NO_FAILURES: LockoutState = { failures: 0, lastFailureAt: 0 };

/** How long to wait after `failures` consecutive wrong PINs. */
export function lockoutDelayMs(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.freeAttempts) return 0;
  const doublings = failures - policy.freeAttempts;
  // 2^31 ms is ~25 days; any cap we would use is far below, so stop doubling there.
  if (doublings >= 31) return policy.maxDelayMs;
  return Math.min(policy.baseDelayMs * 2 ** doublings, policy.maxDelayMs);
}

export function remainingMs(state: LockoutState, now: number, policy: LockoutPolicy): number {
  const delay = lockoutDelayMs(state.failures, policy);
  return Math.max(0, Math.min(delay, state.lastFailureAt + delay - now));
}

/**
 * A clock set backwards would leave lastFailureAt in the future and the wait unending; move it
 * to now, so the wait restarts once at its full length instead.
 */
export function clampToClock(state: LockoutState, now: number): LockoutState {
  return state.lastFailureAt > now ? { ...state, lastFailureAt: now } : state;
}

const FileSchema = z.strictObject({
  format: z.literal('veche/staff-lockout/v1'),
  failures: z.int().nonnegative().max(1_000_000),
  lastFailureAt: z.int().nonnegative(),
});

export interface LockoutStore {
  current(): LockoutState;
  save(state: LockoutState): Promise<Result<void, FileError>>;
}

export type LockoutLoad = { readonly store: LockoutStore; readonly recovered: boolean };

/**
 * Opens the counter file. A corrupt file is not a reset: it starts at the last free try
 * (the next wrong PIN waits), and `recovered` tells the caller to log it.
 */
export async function openLockoutStore(
  path: string,
  policy: LockoutPolicy,
  now: number,
): Promise<Result<LockoutLoad, FileError>> {
  const raw = await readFileIfExists(path);
  if (!raw.ok) return err(raw.error);
  let state: LockoutState = NO_FAILURES;
  let recovered = false;
  if (raw.value !== null) {
    const d = decodeCanonical(raw.value);
    const f = d.ok ? FileSchema.safeParse(d.value) : undefined;
    if (f?.success === true) {
      state = { failures: f.data.failures, lastFailureAt: f.data.lastFailureAt };
    } else {
      state = { failures: policy.freeAttempts, lastFailureAt: Math.floor(now) };
      recovered = true;
    }
  }
  return ok({
    recovered,
    store: {
      current: () => state,
      async save(next) {
        const w = await writeFileAtomic(
          path,
          encodeCanonical({
            format: 'veche/staff-lockout/v1',
            failures: next.failures,
            lastFailureAt: Math.floor(next.lastFailureAt),
          }),
        );
        // Memory follows disk only when disk took it, so a failed save is retried next time.
        if (w.ok) state = next;
        return w;
      },
    },
  });
}
