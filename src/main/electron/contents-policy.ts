// Per-page rules for every WebContents in the shell: navigation only within the host's
// origin, no new windows, no <webview>. Applied to the kiosk window and, through
// app 'web-contents-created', to anything else that might appear.
import { HOST_EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import type { WebContentsLike } from './electron-like.js';
import { isHostPage, originForLog, type CurrentOrigin } from './origin-pin.js';

export function lockDownContents(
  contents: WebContentsLike,
  origin: CurrentOrigin,
  log: Logger,
): void {
  const refuse = (what: string, url: string): void =>
    log.warn(HOST_EVENTS.shellBlocked, { what, origin: originForLog(url) });

  contents.on('will-navigate', (event, url) => {
    if (!isHostPage(url, origin())) {
      event.preventDefault();
      refuse('navigate', url);
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (!isHostPage(url, origin())) {
      event.preventDefault();
      refuse('redirect', url);
    }
  });
  contents.setWindowOpenHandler(({ url }) => {
    refuse('window-open', url);
    return { action: 'deny' };
  });
  // webviewTag is off already; this refuses an attach even if that preference were flipped.
  contents.on('will-attach-webview', (event, _webPreferences, params) => {
    event.preventDefault();
    refuse('webview', params.src ?? '');
  });
}
