// Talks to systemd's notify socket for Type=notify and the watchdog. Node has no AF_UNIX
// datagram sockets, so this runs `systemd-notify` (the unit sets NotifyAccess=all, and
// systemd-notify waits for systemd to process each message). Without NOTIFY_SOCKET —
// development, the demo, tests — every call is a no-op. Contract: docs/appliance.md §4.
import { execFile } from 'node:child_process';
import type { Clock, TimerHandle } from '../shared/clock.js';

export type Exec = (file: string, args: string[]) => Promise<void>;

const defaultExec: Exec = (file, args) =>
  new Promise((resolve) => {
    // A failed notification is not fatal: systemd will restart us if the watchdog starves.
    execFile(file, args, { timeout: 5000 }, () => resolve());
  });

export interface SdNotifier {
  readonly active: boolean;
  ready(status: string): Promise<void>;
  status(status: string): Promise<void>;
  stopping(): Promise<void>;
  /** Pings WATCHDOG=1 every half interval while `healthy()` holds; returns a stop function. */
  startWatchdog(healthy: () => Promise<boolean>): () => void;
}

export function createSdNotifier(deps: {
  env: NodeJS.ProcessEnv;
  pid: number;
  clock: Clock;
  exec?: Exec;
}): SdNotifier {
  const exec = deps.exec ?? defaultExec;
  const active = Boolean(deps.env['NOTIFY_SOCKET']);
  const run = async (args: string[]) => {
    if (active) await exec('systemd-notify', args);
  };
  const watchdogUsec = Number(deps.env['WATCHDOG_USEC'] ?? '0');
  const watchdogPid = deps.env['WATCHDOG_PID'];
  const watchdogForUs =
    active &&
    Number.isFinite(watchdogUsec) &&
    watchdogUsec > 0 &&
    (watchdogPid === undefined || Number(watchdogPid) === deps.pid);

  return {
    active,
    ready: (status) => run(['--ready', `--status=${status}`]),
    status: (status) => run([`--status=${status}`]),
    stopping: () => run(['--stopping']),
    startWatchdog(healthy) {
      if (!watchdogForUs) return () => undefined;
      const intervalMs = Math.max(1000, Math.floor(watchdogUsec / 2000));
      let timer: TimerHandle | undefined;
      let stopped = false;
      const tick = async () => {
        if (stopped) return;
        // A wedged host stops pinging and systemd restarts it (WatchdogSignal=SIGABRT).
        if (await healthy()) await run(['WATCHDOG=1']);
        if (!stopped) timer = deps.clock.setTimeout(() => void tick(), intervalMs);
      };
      void tick();
      return () => {
        stopped = true;
        if (timer !== undefined) deps.clock.clearTimeout(timer);
      };
    },
  };
}

/** True when the event loop turns over within `budgetMs` (it is not blocked). */
export function eventLoopResponsive(budgetMs = 1000): Promise<boolean> {
  const t0 = performance.now();
  return new Promise((resolve) => setImmediate(() => resolve(performance.now() - t0 < budgetMs)));
}
