// Restart delays for the host: doubling from `baseMs` up to `maxMs`, so a host that dies
// at once on start (a broken disk, a bad config) does not spin the CPU, while a one-off
// crash is retried almost immediately.
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, maxMs: 30_000 };

/** Delay before restart number `attempt` (0 for the first restart). */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  const exp = Math.min(attempt, 30);
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** exp);
}
