// The demo's scenarios run on the real clock; stopping the demo must end their waits at once
// (a recall window's pause used to keep a stopped demo alive until its timer ran out).
import { afterEach, describe, expect, it } from 'vitest';
import { realClockDriver } from '../../../src/devnet/scenario/driver.js';
import { testNet, type TestNet } from './helpers.js';

describe('realClockDriver', () => {
  let t: TestNet | undefined;
  afterEach(() => t?.close());

  it('ends a long pause when its signal aborts, with the signal’s reason', async () => {
    t = testNet();
    const stop = new AbortController();
    const d = realClockDriver(t.net, undefined, stop.signal);
    // An hour: without the abort the test would time out instead of passing.
    const paused = d.pass(3_600_000);
    const reason = new Error('demo stopped');
    setImmediate(() => stop.abort(reason));
    await expect(paused).rejects.toBe(reason);
  });

  it('refuses to start a wait once aborted, and a pause with no signal still elapses', async () => {
    t = testNet();
    const stop = new AbortController();
    stop.abort(new Error('demo stopped'));
    const d = realClockDriver(t.net, undefined, stop.signal);
    await expect(d.pass(3_600_000)).rejects.toThrow('demo stopped');
    await expect(d.until(1_000)).rejects.toThrow('demo stopped');
    await expect(realClockDriver(t.net).pass(5)).resolves.toBeUndefined();
  });

  it('ends a height wait under way when its signal aborts, and leaves no listener behind', async () => {
    t = testNet();
    const stop = new AbortController();
    const listeners = { added: 0, removed: 0 };
    const { signal } = stop;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...a: Parameters<typeof add>) => {
      listeners.added++;
      add(...a);
    };
    signal.removeEventListener = (...a: Parameters<typeof remove>) => {
      listeners.removed++;
      remove(...a);
    };
    const d = realClockDriver(t.net, 3_600_000, signal);
    // A pause that ends on its own, then a height that is never reached (the manual clock
    // does not move): only the abort can end it.
    await d.pass(1);
    expect(listeners).toEqual({ added: 1, removed: 1 });
    const waiting = d.until(1_000);
    const reason = new Error('demo stopped');
    setImmediate(() => stop.abort(reason));
    await expect(waiting).rejects.toBe(reason);
    // The devnet's own wait ends when it stops; its settling removes our listener.
    t.net.stop();
    await new Promise((r) => setImmediate(r));
    expect(listeners.removed).toBe(listeners.added);
  });

  it('ends a height wait when the devnet stops', async () => {
    t = testNet();
    const d = realClockDriver(t.net, 3_600_000);
    const waiting = d.until(1_000);
    setImmediate(() => t?.net.stop());
    await expect(waiting).rejects.toThrow('devnet stopped');
  });
});
