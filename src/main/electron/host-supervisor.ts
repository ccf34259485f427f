// Runs the host as an Electron utility process (the packaged desktop app) and keeps it
// running: it waits for the host's ready message, and when the host exits, or never gets
// ready, it starts a new one after a backoff. The shell only hears "ready at X" and "down".
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { HOST_EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { backoffDelay, DEFAULT_BACKOFF, type Backoff } from './backoff.js';
import type { ElectronLike, HostProcessLike } from './electron-like.js';
import { parseHostReady, type HostReady } from './host-ready.js';

export interface HostSupervisorOptions {
  readonly fork: ElectronLike['utilityProcess']['fork'];
  /** Path of the host entry, `dist/host/cli/main.js` inside the app. */
  readonly entry: string;
  /** Arguments after the entry; `serve` first. */
  readonly args: readonly string[];
  readonly clock: Clock;
  readonly log: Logger;
  readonly backoff?: Backoff;
  /** A host that was ready this long counts as healthy: the next crash restarts at once. */
  readonly stableMs?: number;
  /** A host not ready within this long is killed (and so restarted). */
  readonly readyTimeoutMs?: number;
  readonly onReady: (ready: HostReady) => void;
  readonly onDown: (restartInMs: number) => void;
}

export interface HostSupervisor {
  stop(): void;
}

export function superviseHost(opts: HostSupervisorOptions): HostSupervisor {
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const stableMs = opts.stableMs ?? 60_000;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  let attempt = 0;
  let stopped = false;
  let child: HostProcessLike | undefined;
  let restartTimer: TimerHandle | undefined;
  let readyTimer: TimerHandle | undefined;

  const start = (): void => {
    restartTimer = undefined;
    if (stopped) return;
    let readyAt: number | undefined;
    const proc = opts.fork(opts.entry, [...opts.args], {
      serviceName: 'veche-host',
      stdio: 'inherit',
    });
    child = proc;
    readyTimer = opts.clock.setTimeout(() => {
      opts.log.error(HOST_EVENTS.shellHostInvalid, {
        reason: 'not ready in time',
        ms: readyTimeoutMs,
      });
      proc.kill();
    }, readyTimeoutMs);

    proc.on('message', (message: unknown) => {
      const ready = parseHostReady(message);
      if (!ready.ok) {
        opts.log.warn(HOST_EVENTS.shellHostInvalid, { reason: ready.error });
        return;
      }
      if (readyTimer !== undefined) opts.clock.clearTimeout(readyTimer);
      readyTimer = undefined;
      readyAt = opts.clock.monotonic();
      opts.log.info(HOST_EVENTS.shellHostReady, { origin: ready.value.origin });
      opts.onReady(ready.value);
    });

    proc.on('exit', (code) => {
      if (readyTimer !== undefined) opts.clock.clearTimeout(readyTimer);
      readyTimer = undefined;
      child = undefined;
      if (stopped) return;
      if (readyAt !== undefined && opts.clock.monotonic() - readyAt >= stableMs) attempt = 0;
      const delay = backoffDelay(backoff, attempt);
      attempt += 1;
      opts.log.error(HOST_EVENTS.shellHostExit, { code, restartInMs: delay, attempt });
      opts.onDown(delay);
      restartTimer = opts.clock.setTimeout(() => {
        opts.log.info(HOST_EVENTS.shellHostRestart, { attempt });
        start();
      }, delay);
    });
  };

  start();
  return {
    stop() {
      stopped = true;
      if (restartTimer !== undefined) opts.clock.clearTimeout(restartTimer);
      if (readyTimer !== undefined) opts.clock.clearTimeout(readyTimer);
      child?.kill();
      child = undefined;
    },
  };
}
