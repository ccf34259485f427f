// Session-wide rules: every permission (camera, HID, serial, USB, notifications, …) is
// refused, so a compromised page cannot reach a device behind the host's back; every
// request off the host's origin is cancelled, so it cannot send anything anywhere else;
// downloads are refused; and host pages get a restrictive CSP if the host sent none.
import { HOST_EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import type { SessionLike } from './electron-like.js';
import { isErrorPageUrl } from './error-page.js';
import { isHostPage, isHostRequest, originForLog, type CurrentOrigin } from './origin-pin.js';

/** The CSP floor for host pages: same-origin code and data only, no framing, no plugins. */
export function hostPageCsp(origin: string): string {
  const ws = origin.replace(/^http:/, 'ws:');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' data: blob:",
    `connect-src 'self' ${ws}`,
    "worker-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function lockDownSession(
  session: SessionLike,
  origin: CurrentOrigin,
  opts: { isPackaged: boolean; log: Logger },
): void {
  const { log } = opts;

  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn(HOST_EVENTS.shellBlocked, { what: 'permission', permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  // Chooser events: without preventDefault Electron would pick the first device itself.
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    log.warn(HOST_EVENTS.shellBlocked, { what: 'hid' });
    callback();
  });
  session.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    log.warn(HOST_EVENTS.shellBlocked, { what: 'serial' });
    callback('');
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    log.warn(HOST_EVENTS.shellBlocked, { what: 'usb' });
    callback();
  });
  session.on('will-download', (event) => {
    event.preventDefault();
    log.warn(HOST_EVENTS.shellBlocked, { what: 'download' });
  });

  session.webRequest.onBeforeRequest((details, callback) => {
    // devtools:// serves the developer tools of an unpackaged build; nothing else is exempt.
    const devtools = !opts.isPackaged && details.url.startsWith('devtools://');
    // The shell's own error page, in case Chromium routes data: loads through here.
    const errorPage = isErrorPageUrl(details.url);
    if (devtools || errorPage || isHostRequest(details.url, origin())) {
      callback({});
      return;
    }
    log.warn(HOST_EVENTS.shellBlocked, { what: 'request', origin: originForLog(details.url) });
    callback({ cancel: true });
  });

  session.webRequest.onHeadersReceived((details, callback) => {
    const current = origin();
    const headers = details.responseHeaders ?? {};
    const hasCsp = Object.keys(headers).some((k) => k.toLowerCase() === 'content-security-policy');
    if (current === undefined || hasCsp || !isHostPage(details.url, current)) {
      callback({});
      return;
    }
    callback({
      responseHeaders: { ...headers, 'Content-Security-Policy': [hostPageCsp(current)] },
    });
  });
}
