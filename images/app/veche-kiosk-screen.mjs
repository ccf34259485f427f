// The kiosk screen of the offline package (no Electron runtime): Debian's Chromium in kiosk
// mode showing the host's page, following the host through its ready file the way the
// Electron shell's appliance mode does (docs/appliance.md §3). veche-ui.service runs it
// under cage as the veche-ui user, through bin/veche-kiosk-screen.
//
//   veche-kiosk-screen [--host-ready-file=PATH] [--poll-ms=N]
//
// Installed as /opt/veche-kiosk/bin/veche-kiosk-screen.mjs: the imports below are the
// compiled host's own modules (one parser of the ready message, one set of Chromium flags).
// The token is never logged; only the origin is.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pageUrl, parseHostReady } from '../dist/host/main/electron/host-ready.js';
import { chromiumArgs, findChromium } from '../dist/host/main/shell/browser.js';
import { HOST_EVENTS } from '../dist/host/shared/events.js';
import { createLogger } from '../dist/host/shared/log.js';

const { values } = parseArgs({
  options: {
    'host-ready-file': { type: 'string', default: '/run/veche-kiosk/ready.json' },
    'poll-ms': { type: 'string', default: '1000' },
  },
});
const readyFile = values['host-ready-file'];
const pollMs = Number(values['poll-ms']);
const log = createLogger().child({ component: 'screen' });

const binary = findChromium();
if (binary === null) {
  log.error(HOST_EVENTS.shellLoadFailed, { reason: 'no chromium (apt-get install chromium)' });
  process.exit(1);
}
// The systemd unit's RuntimeDirectory (a tmpfs): the profile never outlives the boot.
const profileRoot = process.env['RUNTIME_DIRECTORY'] ?? tmpdir();
// Under cage Chromium must be a Wayland client; elsewhere (a test, a desktop) it picks itself.
const platformFlags = process.env['WAYLAND_DISPLAY'] ? ['--ozone-platform=wayland'] : [];
const asRoot = process.getuid?.() === 0;

/** @type {{ raw: string, url: string, origin: string } | null} */
let wanted = null;
/** @type {{ child: import('node:child_process').ChildProcess, raw: string, started: number, replaced: boolean } | null} */
let shown = null;
let lastInvalid = '';
let failures = 0;
let notBefore = 0;
let stopping = false;

function readReady() {
  let raw;
  try {
    raw = readFileSync(readyFile, 'utf8');
  } catch {
    return null; // the host is (re)starting: keep showing what is shown
  }
  let message;
  try {
    message = JSON.parse(raw);
  } catch {
    message = undefined;
  }
  const parsed = parseHostReady(message);
  if (!parsed.ok) {
    if (raw !== lastInvalid) log.warn(HOST_EVENTS.shellHostInvalid, { reason: parsed.error });
    lastInvalid = raw;
    return null;
  }
  return { raw, url: pageUrl(parsed.value), origin: parsed.value.origin };
}

function launch(target) {
  const profile = mkdtempSync(join(profileRoot, 'chromium-'));
  const args = [...chromiumArgs(target.url, profile, { kiosk: true, asRoot }), ...platformFlags];
  // Chromium's own output is dropped: it can echo the page URL, and with it the token.
  const child = spawn(binary, args, { stdio: 'ignore' });
  const entry = { child, raw: target.raw, started: Date.now(), replaced: false };
  shown = entry;
  log.info(HOST_EVENTS.shellStart, { shell: 'chromium', origin: target.origin });
  child.on('exit', (code, signal) => {
    rmSync(profile, { recursive: true, force: true });
    if (shown === entry) shown = null;
    if (stopping || entry.replaced) return;
    log.warn(HOST_EVENTS.shellBrowserExit, { code, signal });
    // A browser that keeps dying is restarted with backoff (1 s … 30 s), not in a tight loop.
    failures = Date.now() - entry.started > 60_000 ? 0 : failures + 1;
    notBefore = Date.now() + Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));
  });
  child.on('error', (e) => log.error(HOST_EVENTS.shellLoadFailed, { reason: e.message }));
}

function tick() {
  const ready = readReady();
  if (ready !== null && ready.raw !== wanted?.raw) {
    wanted = ready;
    log.info(HOST_EVENTS.shellHostReady, { origin: ready.origin });
  }
  if (wanted === null) return;
  // A new host boot means a new token: the old page cannot talk to it any more.
  if (shown !== null && shown.raw !== wanted.raw) {
    if (!shown.replaced) shown.child.kill('SIGTERM');
    shown.replaced = true;
    return; // relaunched on a later tick, once it has exited
  }
  if (shown === null && Date.now() >= notBefore) launch(wanted);
}

const timer = setInterval(tick, pollMs);
tick();

function stop() {
  stopping = true;
  clearInterval(timer);
  if (shown === null) process.exit(0);
  shown.child.once('exit', () => process.exit(0));
  shown.child.kill('SIGTERM');
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
