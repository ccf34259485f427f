// The kiosk window's construction options: every switch that keeps the page a plain,
// untrusted web page (DESIGN §2). No preload: the page talks to the host over HTTP and
// WebSocket on 127.0.0.1 and needs no powers from the shell. (The old `remote` module and
// `enableRemoteModule` no longer exist in Electron 45, so there is nothing to turn off.)
import type { BrowserWindowConstructorOptions } from 'electron';

export function kioskWindowOptions(isPackaged: boolean): BrowserWindowConstructorOptions {
  return {
    kiosk: true,
    fullscreen: true,
    frame: false,
    autoHideMenuBar: true,
    show: false,
    backgroundColor: '#111111',
    title: 'Veche Kiosk',
    webPreferences: {
      // A technician debugging an unpackaged build may open devtools; a voter never can.
      devTools: !isPackaged,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // A page-opened alert() would block the voter's screen behind a native dialog.
      disableDialogs: true,
      safeDialogs: true,
    },
  };
}
