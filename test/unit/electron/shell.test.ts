import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.js';
import { memoryLogger } from '../../../src/shared/log.js';
import { errorPageUrl, isErrorPageUrl } from '../../../src/main/electron/error-page.js';
import { createShell, type HostMode, type Shell } from '../../../src/main/electron/shell.js';
import { fakeElectron, fakeEvent, flush, type Fake } from './fake-electron.js';

const ORIGIN = 'http://127.0.0.1:43117';
const TOKEN = 'tok_9f3c1a7e5b2d4c6a8e0f';
const ready = (origin = ORIGIN, token = TOKEN) => ({ type: 'veche-host-ready', origin, token });
const forkMode: HostMode = { kind: 'fork', entry: '/app/dist/host/cli/main.js', args: ['serve'] };

async function start(opts: { isPackaged?: boolean; host?: HostMode } = {}) {
  const fake = fakeElectron({ isPackaged: opts.isPackaged ?? true });
  const clock = new ManualClock();
  const log = memoryLogger();
  const result = await createShell(fake.electron, { host: opts.host ?? forkMode, clock, log });
  if (!result.ok) throw new Error(result.error);
  const win = fake.windows[0];
  if (win === undefined) throw new Error('no window');
  return { fake, clock, log, shell: result.value, win, wc: win.webContents };
}

function child(fake: Fake, index = -1) {
  const c = fake.forks.at(index);
  if (c === undefined) throw new Error('host was not forked');
  return c;
}

async function startReady(opts: { isPackaged?: boolean } = {}) {
  const s = await start(opts);
  child(s.fake).emit('message', ready());
  return s;
}

describe('kiosk window', () => {
  it('is created with every lockdown setting', async () => {
    const { win } = await start({ isPackaged: true });
    expect(win.options).toMatchObject({ kiosk: true, frame: false, fullscreen: true, show: false });
    expect(win.options.webPreferences).toMatchObject({
      devTools: false,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      navigateOnDragDrop: false,
    });
    expect(win.options.webPreferences?.preload).toBeUndefined();
  });

  it('allows devtools only in an unpackaged build', async () => {
    const { win } = await start({ isPackaged: false });
    expect(win.options.webPreferences?.devTools).toBe(true);
  });

  it('removes the application menu, and with it every accelerator', async () => {
    const { fake } = await start();
    expect(fake.menus).toEqual([null]);
  });

  it('shows itself only when ready to show, on the starting page first', async () => {
    const { win } = await start();
    expect(win.shown).toBe(false);
    expect(isErrorPageUrl(win.loads[0] ?? '')).toBe(true);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });

  it('refuses to run twice', async () => {
    const fake = fakeElectron();
    fake.app.gotLock = false;
    const r = await createShell(fake.electron, {
      host: forkMode,
      clock: new ManualClock(),
      log: memoryLogger(),
    });
    expect(r.ok).toBe(false);
    expect(fake.app.quits).toBe(1);
    expect(fake.windows).toHaveLength(0);
  });
});

describe('navigation', () => {
  it('stays on the host origin', async () => {
    const { wc } = await startReady();
    for (const event of ['will-navigate', 'will-redirect']) {
      for (const url of [
        'https://evil.example/',
        'http://127.0.0.1:9999/',
        'http://localhost:43117/',
        'file:///etc/passwd',
        'data:text/html,<script>1</script>',
        'javascript:alert(1)',
      ]) {
        const e = fakeEvent();
        wc.emit(event, e, url);
        expect(e.defaultPrevented, `${event} ${url}`).toBe(true);
      }
      const same = fakeEvent();
      wc.emit(event, same, `${ORIGIN}/staff#x`);
      expect(same.defaultPrevented, `${event} same origin`).toBe(false);
    }
  });

  it('refuses every navigation while the host is not ready', async () => {
    const { wc } = await start();
    const e = fakeEvent();
    wc.emit('will-navigate', e, `${ORIGIN}/`);
    expect(e.defaultPrevented).toBe(true);
  });

  it('denies window.open, even to the host origin', async () => {
    const { wc } = await startReady();
    expect(wc.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler?.({ url: `${ORIGIN}/` })).toEqual({ action: 'deny' });
  });

  it('refuses to attach a webview', async () => {
    const { wc } = await startReady();
    const e = fakeEvent();
    wc.emit('will-attach-webview', e, {}, { src: `${ORIGIN}/` });
    expect(e.defaultPrevented).toBe(true);
  });

  it('locks down any other web contents that appears', async () => {
    const { fake } = await startReady();
    const { FakeWebContents } = await import('./fake-electron.js');
    const other = new FakeWebContents(fake.session);
    fake.app.emit('web-contents-created', fakeEvent(), other);
    const e = fakeEvent();
    other.emit('will-navigate', e, 'https://evil.example/');
    expect(e.defaultPrevented).toBe(true);
    expect(other.windowOpenHandler?.({ url: 'x' })).toEqual({ action: 'deny' });
  });
});

describe('session', () => {
  it('denies every permission request and check', async () => {
    const { fake } = await startReady();
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'hid',
      'serial',
      'usb',
      'clipboard-read',
    ]) {
      let granted: boolean | undefined;
      fake.session.permissionRequestHandler?.({}, permission, (g) => (granted = g));
      expect(granted, permission).toBe(false);
      expect(fake.session.permissionCheckHandler?.({}, permission, ORIGIN, {}), permission).toBe(
        false,
      );
    }
    expect(fake.session.devicePermissionHandler?.({ deviceType: 'hid', origin: ORIGIN })).toBe(
      false,
    );
  });

  it('answers device choosers with no device', async () => {
    const { fake } = await startReady();
    const hid = fakeEvent();
    let hidChoice: unknown = 'unset';
    fake.session.emit(
      'select-hid-device',
      hid,
      { deviceList: [{ deviceId: 'reader' }] },
      (id?: string) => (hidChoice = id),
    );
    expect(hid.defaultPrevented).toBe(true);
    expect(hidChoice).toBeUndefined();

    const serial = fakeEvent();
    let port: unknown = 'unset';
    fake.session.emit(
      'select-serial-port',
      serial,
      [{ portId: 'printer' }],
      {},
      (id: string) => (port = id),
    );
    expect(serial.defaultPrevented).toBe(true);
    expect(port).toBe('');

    const usb = fakeEvent();
    let usbChoice: unknown = 'unset';
    fake.session.emit(
      'select-usb-device',
      usb,
      { deviceList: [{ deviceId: 'x' }] },
      (id?: string) => (usbChoice = id),
    );
    expect(usb.defaultPrevented).toBe(true);
    expect(usbChoice).toBeUndefined();
  });

  it('refuses downloads', async () => {
    const { fake } = await startReady();
    const e = fakeEvent();
    fake.session.emit('will-download', e, {}, {});
    expect(e.defaultPrevented).toBe(true);
  });

  it('lets requests reach the host origin only', async () => {
    const { fake } = await startReady();
    expect(fake.session.request(`${ORIGIN}/assets/app.js`)).toBe(true);
    expect(fake.session.request('ws://127.0.0.1:43117/events')).toBe(true);
    expect(fake.session.request('https://evil.example/leak?c=1')).toBe(false);
    expect(fake.session.request('ws://127.0.0.1:1234/')).toBe(false);
    expect(fake.session.request('http://user:pw@127.0.0.1:43117/')).toBe(false);
    expect(fake.session.request('devtools://devtools/bundled/x.html')).toBe(false);
    expect(fake.session.request('data:text/html,<h1>phish</h1>')).toBe(false);
    expect(fake.session.request(errorPageUrl('restarting'))).toBe(true);
  });

  it('lets devtools load in an unpackaged build only', async () => {
    const { fake } = await startReady({ isPackaged: false });
    expect(fake.session.request('devtools://devtools/bundled/x.html')).toBe(true);
  });

  it('adds a CSP to host pages that have none, and keeps the host’s own', async () => {
    const { fake } = await startReady();
    let added: Record<string, string[]> | undefined;
    fake.session.headersReceived?.(
      { url: `${ORIGIN}/`, responseHeaders: {} },
      (r) => (added = r.responseHeaders),
    );
    const csp = added?.['Content-Security-Policy']?.[0] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:43117");

    let kept: unknown = 'unset';
    fake.session.headersReceived?.(
      { url: `${ORIGIN}/`, responseHeaders: { 'content-security-policy': ["default-src 'none'"] } },
      (r) => (kept = r.responseHeaders),
    );
    expect(kept).toBeUndefined();
  });
});

describe('host process', () => {
  it('forks the host entry with serve and loads the page with the token in the fragment', async () => {
    const { fake, win, log } = await start();
    const c = child(fake);
    expect(c.modulePath).toBe('/app/dist/host/cli/main.js');
    expect(c.args).toEqual(['serve']);
    c.emit('message', ready());
    expect(win.lastLoad).toBe(`${ORIGIN}/#token=${TOKEN}`);
    // The token never reaches a log line.
    expect(JSON.stringify(log.lines)).not.toContain(TOKEN);
    expect(log.lines.some((l) => l['event'] === 'shell.host.ready' && l['origin'] === ORIGIN)).toBe(
      true,
    );
  });

  it('ignores a ready message that would point the window elsewhere', async () => {
    const { fake, win, shell } = await start();
    for (const bad of [
      ready('http://evil.example:80'),
      ready('https://127.0.0.1:43117'),
      ready('http://127.0.0.1:43117/path'),
      ready(ORIGIN, 'x#y'),
      ready(ORIGIN, 'short'),
      { type: 'other', origin: ORIGIN, token: TOKEN },
      'veche-host-ready',
    ]) {
      child(fake).emit('message', bad);
    }
    expect(shell.currentOrigin()).toBeUndefined();
    expect(win.loads.every(isErrorPageUrl)).toBe(true);
  });

  it('shows the error page when the host exits and restarts it with backoff', async () => {
    const { fake, win, clock, shell } = await startReady();
    child(fake).emit('exit', 1);
    expect(shell.currentOrigin()).toBeUndefined();
    expect(isErrorPageUrl(win.lastLoad ?? '')).toBe(true);
    expect(fake.forks).toHaveLength(1);
    clock.advance(999);
    expect(fake.forks).toHaveLength(1);
    clock.advance(1);
    expect(fake.forks).toHaveLength(2);

    // It dies again at once: the next delay doubles.
    child(fake).emit('exit', 1);
    clock.advance(1_999);
    expect(fake.forks).toHaveLength(2);
    clock.advance(1);
    expect(fake.forks).toHaveLength(3);

    // The new host may listen elsewhere with a new token; the window follows it.
    child(fake).emit('message', ready('http://127.0.0.1:50001', 'tok_new_boot_0123456789'));
    expect(win.lastLoad).toBe('http://127.0.0.1:50001/#token=tok_new_boot_0123456789');
    const e = fakeEvent();
    win.webContents.emit('will-navigate', e, `${ORIGIN}/`);
    expect(e.defaultPrevented).toBe(true);
  });

  it('forgets past crashes once the host has run stably', async () => {
    const { fake, clock } = await startReady();
    for (let i = 0; i < 3; i++) {
      child(fake).emit('exit', 1);
      clock.advance(60_000);
    }
    expect(fake.forks).toHaveLength(4);
    child(fake).emit('message', ready());
    clock.advance(60_000);
    child(fake).emit('exit', 1);
    clock.advance(1_000);
    expect(fake.forks).toHaveLength(5);
  });

  it('kills a host that never gets ready, which restarts it', async () => {
    const { fake, clock } = await start();
    clock.advance(60_000);
    expect(child(fake).killed).toBe(1);
    child(fake).emit('exit', null);
    clock.advance(1_000);
    expect(fake.forks).toHaveLength(2);
  });

  it('stops the host on quit and does not restart it', async () => {
    const { fake, clock } = await startReady();
    fake.app.emit('will-quit');
    expect(child(fake).killed).toBe(1);
    child(fake).emit('exit', 0);
    clock.advance(120_000);
    expect(fake.forks).toHaveLength(1);
  });
});

describe('page failures', () => {
  it('retries a failed load of the host page after showing the error page', async () => {
    const { win, clock } = await startReady();
    win.webContents.emit(
      'did-fail-load',
      fakeEvent(),
      -102,
      'ERR_CONNECTION_REFUSED',
      `${ORIGIN}/`,
      true,
    );
    expect(isErrorPageUrl(win.lastLoad ?? '')).toBe(true);
    clock.advance(1_000);
    expect(win.lastLoad).toBe(`${ORIGIN}/#token=${TOKEN}`);
  });

  it('ignores aborted loads and subframe failures', async () => {
    const { win } = await startReady();
    const before = win.loads.length;
    win.webContents.emit('did-fail-load', fakeEvent(), -3, 'ERR_ABORTED', `${ORIGIN}/`, true);
    win.webContents.emit(
      'did-fail-load',
      fakeEvent(),
      -102,
      'ERR_CONNECTION_REFUSED',
      `${ORIGIN}/x`,
      false,
    );
    expect(win.loads.length).toBe(before);
  });

  it('reloads the host page when the renderer crashes', async () => {
    const { win } = await startReady();
    win.loads.length = 0;
    win.webContents.emit('render-process-gone', fakeEvent(), { reason: 'crashed', exitCode: 139 });
    expect(win.lastLoad).toBe(`${ORIGIN}/#token=${TOKEN}`);
  });
});

describe('appliance mode (host run by systemd)', () => {
  function readyFileMode() {
    const files = new Map<string, string>();
    const host: HostMode = {
      kind: 'ready-file',
      path: '/run/veche-kiosk/ready.json',
      readFile: (p) => {
        const text = files.get(p);
        return text === undefined ? Promise.reject(new Error('ENOENT')) : Promise.resolve(text);
      },
    };
    return { files, host };
  }

  it('follows the host through its ready file', async () => {
    const { files, host } = readyFileMode();
    const { fake, win, clock, shell } = await start({ host });
    await flush();
    expect(fake.forks).toHaveLength(0);
    expect(shell.currentOrigin()).toBeUndefined();

    files.set('/run/veche-kiosk/ready.json', JSON.stringify(ready()));
    clock.advance(1_000);
    await flush();
    expect(win.lastLoad).toBe(`${ORIGIN}/#token=${TOKEN}`);
    const loads = win.loads.length;
    clock.advance(1_000);
    await flush();
    expect(win.loads.length).toBe(loads);

    // systemd restarted the host: new token.
    files.set(
      '/run/veche-kiosk/ready.json',
      JSON.stringify(ready(ORIGIN, 'tok_after_restart_000000')),
    );
    clock.advance(1_000);
    await flush();
    expect(win.lastLoad).toBe(`${ORIGIN}/#token=tok_after_restart_000000`);

    files.delete('/run/veche-kiosk/ready.json');
    clock.advance(1_000);
    await flush();
    expect(isErrorPageUrl(win.lastLoad ?? '')).toBe(true);
    expect((shell as Shell).currentOrigin()).toBeUndefined();
  });

  it('does not trust an invalid ready file', async () => {
    const { files, host } = readyFileMode();
    files.set('/run/veche-kiosk/ready.json', JSON.stringify(ready('http://evil.example:1')));
    const { win, shell } = await start({ host });
    await flush();
    expect(shell.currentOrigin()).toBeUndefined();
    expect(win.loads.every(isErrorPageUrl)).toBe(true);
  });
});
