// A per-call AbortSignal that fires on the injected clock's timer or when the caller's own
// signal aborts, and remembers which, so the caller gets 'timeout' or 'aborted'.
import type { Clock } from '../shared/clock.js';
import type { NetError } from './errors.js';

export interface Deadline {
  readonly signal: AbortSignal;
  /** Why the signal fired; meaningful once `signal.aborted`. */
  error(): NetError;
  dispose(): void;
}

export function deadline(clock: Clock, ms: number, outer?: AbortSignal): Deadline {
  const ac = new AbortController();
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    ac.abort(new Error(`timed out after ${ms} ms`));
  }, ms);
  const onOuter = () => ac.abort(outer?.reason);
  if (outer?.aborted === true) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: ac.signal,
    error: () => (timedOut ? { kind: 'timeout', ms } : { kind: 'aborted' }),
    dispose() {
      clock.clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

export interface IdleDeadline extends Deadline {
  /** The peer owes us bytes from now on; the idle clock starts. */
  waiting(): void;
  /** The peer delivered; time spent in our own processing does not count. */
  delivered(): void;
}

/**
 * Fires when the peer has kept us waiting `ms` in one go, however long the whole exchange
 * takes: a bulk upload may last minutes, a silent peer may not hold a slot for long. One
 * timer per `ms` period, not one per message (a timer per message showed in profiles).
 */
export function idleDeadline(clock: Clock, ms: number, outer?: AbortSignal): IdleDeadline {
  const ac = new AbortController();
  let timedOut = false;
  let since = clock.monotonic();
  let isWaiting = true;
  const check = () => {
    const idle = clock.monotonic() - since;
    if (isWaiting && idle >= ms) {
      timedOut = true;
      ac.abort(new Error(`peer idle for ${ms} ms`));
      return;
    }
    timer = clock.setTimeout(check, isWaiting ? ms - idle : ms);
  };
  let timer = clock.setTimeout(check, ms);
  const onOuter = () => ac.abort(outer?.reason);
  if (outer?.aborted === true) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: ac.signal,
    error: () => (timedOut ? { kind: 'timeout', ms } : { kind: 'aborted' }),
    waiting() {
      since = clock.monotonic();
      isWaiting = true;
    },
    delivered() {
      isWaiting = false;
    },
    dispose() {
      clock.clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}
