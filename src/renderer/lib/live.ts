import {
  LiveEventSchema,
  WS_PROTOCOL,
  WS_TOKEN_PREFIX,
  type LiveEvent,
} from '../../main/rpc/schema.js';
import { takeBootToken } from './token.js';

/** Keeps a WebSocket to the host open, reconnecting with capped backoff. */
export function connectLive(
  onEvent: (e: LiveEvent) => void,
  onConnection: (up: boolean) => void,
): () => void {
  let ws: WebSocket | null = null;
  let stopped = false;
  let delay = 250;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    const token = takeBootToken();
    if (token === null || stopped) return;
    ws = new WebSocket(`ws://${window.location.host}/events`, [
      WS_PROTOCOL,
      WS_TOKEN_PREFIX + token,
    ]);
    ws.onopen = () => {
      delay = 250;
      onConnection(true);
    };
    ws.onmessage = (m) => {
      try {
        const parsed = LiveEventSchema.safeParse(JSON.parse(String(m.data)));
        if (parsed.success) onEvent(parsed.data);
      } catch {
        // A malformed frame from the host is ignored; the next state event supersedes it.
      }
    };
    ws.onclose = () => {
      onConnection(false);
      if (stopped) return;
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, 4000);
    };
  };
  open();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    ws?.close();
  };
}
