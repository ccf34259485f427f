// The slice of Electron the shell uses, cut from Electron's own type definitions. The shell
// receives it as a parameter so unit tests can pass a fake; `main.ts` passes the real
// module, and the compiler checks that the real module fits this shape.
import type * as Electron from 'electron';

export type SessionLike = Pick<
  Electron.Session,
  | 'setPermissionRequestHandler'
  | 'setPermissionCheckHandler'
  | 'setDevicePermissionHandler'
  | 'setDisplayMediaRequestHandler'
  | 'setBluetoothPairingHandler'
  | 'on'
> & {
  readonly webRequest: Pick<Electron.WebRequest, 'onBeforeRequest' | 'onHeadersReceived'>;
};

export type WebContentsLike = Pick<
  Electron.WebContents,
  'on' | 'setWindowOpenHandler' | 'getURL' | 'isDestroyed' | 'reload'
> & { readonly session: SessionLike };

export type WindowLike = Pick<
  Electron.BrowserWindow,
  'loadURL' | 'on' | 'once' | 'show' | 'isDestroyed'
> & {
  readonly webContents: WebContentsLike;
};

export type HostProcessLike = Pick<Electron.UtilityProcess, 'on' | 'kill'> & {
  readonly pid?: number | undefined;
};

export interface ElectronLike {
  readonly app: Pick<
    Electron.App,
    'isPackaged' | 'whenReady' | 'on' | 'quit' | 'requestSingleInstanceLock' | 'getAppPath'
  >;
  readonly BrowserWindow: new (options: Electron.BrowserWindowConstructorOptions) => WindowLike;
  readonly utilityProcess: {
    fork(modulePath: string, args?: string[], options?: Electron.ForkOptions): HostProcessLike;
  };
  readonly session: { readonly defaultSession: SessionLike };
  readonly Menu: { setApplicationMenu(menu: null): void };
}
