// A fake of the Electron surface the shell uses (ElectronLike). It records what the shell
// configured and lets a test fire the events Electron would fire, so every lockdown rule
// can be exercised without the Electron runtime (which cannot be installed in CI).
import type { BrowserWindowConstructorOptions, ForkOptions } from 'electron';
import type { ElectronLike } from '../../../src/main/electron/electron-like.js';

type Listener = (...args: never[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }
  /** Fires an event; returns what listeners returned (for handlers that answer). */
  emit(event: string, ...args: unknown[]): unknown[] {
    return (this.listeners.get(event) ?? []).map((l) =>
      (l as (...a: unknown[]) => unknown)(...args),
    );
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}
export function fakeEvent(): FakeEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
) => void;
type RequestListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { cancel?: boolean; responseHeaders?: Record<string, string[]> }) => void,
) => void;

export class FakeSession extends Emitter {
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | undefined;
  devicePermissionHandler: ((...args: unknown[]) => boolean) | undefined;
  beforeRequest: RequestListener | undefined;
  headersReceived: RequestListener | undefined;
  setPermissionRequestHandler(h: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = h ?? undefined;
  }
  setPermissionCheckHandler(h: ((...args: unknown[]) => boolean) | null): void {
    this.permissionCheckHandler = h ?? undefined;
  }
  setDevicePermissionHandler(h: ((...args: unknown[]) => boolean) | null): void {
    this.devicePermissionHandler = h ?? undefined;
  }
  readonly webRequest = {
    onBeforeRequest: (listener: RequestListener) => {
      this.beforeRequest = listener;
    },
    onHeadersReceived: (listener: RequestListener) => {
      this.headersReceived = listener;
    },
  };

  /** Runs a request through onBeforeRequest; true when the shell let it through. */
  request(url: string): boolean {
    let allowed: boolean | undefined;
    this.beforeRequest?.({ url }, (r) => {
      allowed = r.cancel !== true;
    });
    if (allowed === undefined) throw new Error('onBeforeRequest did not answer');
    return allowed;
  }
}

export class FakeWebContents extends Emitter {
  url = '';
  destroyed = false;
  reloads = 0;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  constructor(readonly session: FakeSession) {
    super();
  }
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h;
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  reload(): void {
    this.reloads += 1;
  }
}

export class FakeWindow extends Emitter {
  readonly loads: string[] = [];
  shown = false;
  readonly webContents: FakeWebContents;
  constructor(
    readonly options: BrowserWindowConstructorOptions,
    session: FakeSession,
  ) {
    super();
    this.webContents = new FakeWebContents(session);
  }
  loadURL(url: string): Promise<void> {
    this.loads.push(url);
    this.webContents.url = url;
    return Promise.resolve();
  }
  show(): void {
    this.shown = true;
  }
  isDestroyed(): boolean {
    return false;
  }
  get lastLoad(): string | undefined {
    return this.loads.at(-1);
  }
}

export class FakeChild extends Emitter {
  killed = 0;
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: ForkOptions | undefined,
  ) {
    super();
  }
  kill(): boolean {
    this.killed += 1;
    return true;
  }
}

export class FakeApp extends Emitter {
  quits = 0;
  gotLock = true;
  constructor(readonly isPackaged: boolean) {
    super();
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  quit(): void {
    this.quits += 1;
  }
  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }
  getAppPath(): string {
    return '/opt/veche-kiosk/resources/app.asar';
  }
}

export interface Fake {
  readonly electron: ElectronLike;
  readonly app: FakeApp;
  readonly session: FakeSession;
  readonly windows: FakeWindow[];
  readonly forks: FakeChild[];
  readonly menus: unknown[];
}

export function fakeElectron(opts: { isPackaged?: boolean } = {}): Fake {
  const app = new FakeApp(opts.isPackaged ?? true);
  const session = new FakeSession();
  const windows: FakeWindow[] = [];
  const forks: FakeChild[] = [];
  const menus: unknown[] = [];
  const fake = {
    app,
    BrowserWindow: class extends FakeWindow {
      constructor(options: BrowserWindowConstructorOptions) {
        super(options, session);
        windows.push(this);
      }
    },
    utilityProcess: {
      fork(modulePath: string, args?: string[], options?: ForkOptions): FakeChild {
        const c = new FakeChild(modulePath, args ?? [], options);
        forks.push(c);
        return c;
      },
    },
    session: { defaultSession: session },
    Menu: {
      setApplicationMenu(menu: unknown) {
        menus.push(menu);
      },
    },
  };
  // The fake implements the members the shell calls, not Electron's every overload, so it
  // is handed over as ElectronLike at this one boundary.
  return { electron: fake as unknown as ElectronLike, app, session, windows, forks, menus };
}

/** Lets pending promise callbacks (awaited file reads, whenReady) run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
