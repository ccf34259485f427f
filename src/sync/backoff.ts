// Retry timing: exponential backoff with full jitter (delay uniform in [0, min(cap, base·2^n)]),
// so a kiosk fleet coming back from a partition does not retry in lock step. Randomness is
// injected so tests can pin it.
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 60_000 };

/** `random` returns [0, 1). `attempt` counts failures so far (0 = first retry). */
export function fullJitterDelay(attempt: number, random: () => number, o: BackoffOptions): number {
  const exp = Math.min(o.capMs, o.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * exp);
}

/** Per-key retry schedule (in memory: after a restart every ballot is due at once). */
export class RetrySchedule {
  private readonly entries = new Map<string, { attempts: number; dueAt: number }>();

  constructor(
    private readonly random: () => number,
    private readonly options: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  due(key: string, now: number): boolean {
    const e = this.entries.get(key);
    return e === undefined || now >= e.dueAt;
  }

  failed(key: string, now: number): number {
    const e = this.entries.get(key) ?? { attempts: 0, dueAt: now };
    const delay = fullJitterDelay(e.attempts, this.random, this.options);
    this.entries.set(key, { attempts: e.attempts + 1, dueAt: now + delay });
    return delay;
  }

  attempts(key: string): number {
    return this.entries.get(key)?.attempts ?? 0;
  }

  clear(key: string): void {
    this.entries.delete(key);
  }
}
