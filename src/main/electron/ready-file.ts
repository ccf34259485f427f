// On the appliance the host is a systemd service, not our child: it writes its ready
// message to /run/veche-kiosk/ready.json (readable by the veche-ui group only) and the
// shell polls that file. A new token there means the host restarted; a missing or invalid
// file means it is down.
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { HOST_EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { parseHostReady, type HostReady } from './host-ready.js';

export interface ReadyFileOptions {
  readonly path: string;
  /** Rejects when the file is missing or unreadable. */
  readonly readFile: (path: string) => Promise<string>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly pollMs?: number;
  readonly onReady: (ready: HostReady) => void;
  readonly onDown: () => void;
}

export function watchReadyFile(opts: ReadyFileOptions): { stop(): void } {
  const pollMs = opts.pollMs ?? 1_000;
  let last: string | undefined;
  let down = false;
  let stopped = false;
  let timer: TimerHandle | undefined;

  const markDown = (reason: string): void => {
    last = undefined;
    if (down) return;
    down = true;
    opts.log.warn(HOST_EVENTS.shellHostExit, { reason });
    opts.onDown();
  };

  const poll = async (): Promise<void> => {
    let text: string | undefined;
    try {
      text = await opts.readFile(opts.path);
    } catch {
      text = undefined;
    }
    if (stopped) return;
    if (text === undefined) {
      markDown('ready file missing');
    } else if (text !== last) {
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        message = undefined;
      }
      const ready = parseHostReady(message);
      if (ready.ok) {
        last = text;
        down = false;
        opts.log.info(HOST_EVENTS.shellHostReady, { origin: ready.value.origin });
        opts.onReady(ready.value);
      } else {
        // A half-written file reads as invalid; the next poll sees the finished one.
        markDown('ready file invalid');
      }
    }
    timer = opts.clock.setTimeout(() => void poll(), pollMs);
  };

  void poll();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) opts.clock.clearTimeout(timer);
    },
  };
}
