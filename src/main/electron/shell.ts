// The Electron shell: one locked-down kiosk window showing the host's page, and the host
// kept alive behind it (DESIGN §2). Everything Electron is injected, so the whole policy
// runs in unit tests against a fake; `main.ts` hands in the real module.
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { HOST_EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { err, ok, type Result } from '../../shared/result.js';
import { backoffDelay, DEFAULT_BACKOFF, type Backoff } from './backoff.js';
import { lockDownContents } from './contents-policy.js';
import type { ElectronLike, WebContentsLike, WindowLike } from './electron-like.js';
import { errorPageUrl } from './error-page.js';
import { superviseHost } from './host-supervisor.js';
import { pageUrl, type HostReady } from './host-ready.js';
import { originForLog } from './origin-pin.js';
import { watchReadyFile } from './ready-file.js';
import { lockDownSession } from './session-policy.js';
import { kioskWindowOptions } from './window-options.js';

export type HostMode =
  /** Packaged desktop app: the shell forks the host as a utility process. */
  | { readonly kind: 'fork'; readonly entry: string; readonly args: readonly string[] }
  /** Appliance: systemd runs the host; the shell reads its ready file. */
  | {
      readonly kind: 'ready-file';
      readonly path: string;
      readonly readFile: (path: string) => Promise<string>;
    };

export interface ShellOptions {
  readonly host: HostMode;
  readonly clock: Clock;
  readonly log: Logger;
  readonly backoff?: Backoff;
}

export interface Shell {
  readonly window: WindowLike;
  /** The host's current origin, or undefined while it is down. */
  currentOrigin(): string | undefined;
  stop(): void;
}

/** Chromium's "navigation aborted" code: a newer load replaced this one, not a failure. */
const ERR_ABORTED = -3;

export async function createShell(
  electron: ElectronLike,
  opts: ShellOptions,
): Promise<Result<Shell, 'already-running'>> {
  const { app } = electron;
  const { log, clock } = opts;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;

  // Two kiosk windows would fight over the screen and the host's single session.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return err('already-running');
  }
  // No menu means no accelerators: Ctrl+R, Ctrl+W and Ctrl+Shift+I do nothing.
  electron.Menu.setApplicationMenu(null);

  let current: HostReady | undefined;
  const origin = (): string | undefined => current?.origin;

  const lockedDown = new WeakSet<WebContentsLike>();
  const lockDown = (contents: WebContentsLike): void => {
    if (lockedDown.has(contents)) return;
    lockedDown.add(contents);
    lockDownContents(contents, origin, log);
  };
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();
  log.info(HOST_EVENTS.shellStart, { packaged: app.isPackaged, host: opts.host.kind });
  lockDownSession(electron.session.defaultSession, origin, { isPackaged: app.isPackaged, log });

  const win = new electron.BrowserWindow(kioskWindowOptions(app.isPackaged));
  lockDown(win.webContents);
  win.once('ready-to-show', () => win.show());

  let retryTimer: TimerHandle | undefined;
  let loadFailures = 0;
  const clearRetry = (): void => {
    if (retryTimer !== undefined) clock.clearTimeout(retryTimer);
    retryTimer = undefined;
  };
  const show = (url: string): void => {
    if (win.isDestroyed()) return;
    // loadURL rejects when the load fails; did-fail-load below handles that case.
    win.loadURL(url).catch(() => undefined);
  };
  const showHost = (): void => {
    clearRetry();
    if (current !== undefined) show(pageUrl(current));
  };

  win.webContents.on(
    'did-fail-load',
    (_event, errorCode, errorDescription, validatedURL, isMainFrame) => {
      if (!isMainFrame || errorCode === ERR_ABORTED || current === undefined) return;
      const delay = backoffDelay(backoff, loadFailures);
      loadFailures += 1;
      log.warn(HOST_EVENTS.shellLoadFailed, {
        code: errorCode,
        description: errorDescription,
        origin: originForLog(validatedURL),
        retryInMs: delay,
      });
      show(errorPageUrl('unreachable'));
      clearRetry();
      retryTimer = clock.setTimeout(showHost, delay);
    },
  );
  win.webContents.on('did-finish-load', () => {
    if (origin() !== undefined && win.webContents.getURL().startsWith(`${origin()}/`))
      loadFailures = 0;
  });
  // A crashed renderer leaves a dead screen; reload the host page (the token is still valid
  // for this host boot) or the error page.
  win.webContents.on('render-process-gone', (_event, details) => {
    log.error(HOST_EVENTS.shellRendererGone, {
      reason: details.reason,
      exitCode: details.exitCode,
    });
    if (current !== undefined) showHost();
    else show(errorPageUrl('restarting'));
  });

  show(errorPageUrl('starting'));

  const onReady = (ready: HostReady): void => {
    current = ready;
    loadFailures = 0;
    showHost();
  };
  const onDown = (): void => {
    current = undefined;
    clearRetry();
    show(errorPageUrl('restarting'));
  };

  const host =
    opts.host.kind === 'fork'
      ? superviseHost({
          fork: (modulePath, args, options) =>
            electron.utilityProcess.fork(modulePath, args, options),
          entry: opts.host.entry,
          args: opts.host.args,
          clock,
          log,
          backoff,
          onReady,
          onDown,
        })
      : watchReadyFile({
          path: opts.host.path,
          readFile: opts.host.readFile,
          clock,
          log,
          onReady,
          onDown,
        });

  const stop = (): void => {
    clearRetry();
    host.stop();
  };
  app.on('will-quit', stop);

  return ok({ window: win, currentOrigin: origin, stop });
}
