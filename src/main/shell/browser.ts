// The browser shell for development and the demo: the same renderer the Electron shell
// shows, in Debian's Chromium as an app window with a throwaway profile. Background
// networking is off (a kiosk phones nowhere, and this machine's network is closed anyway).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** Flags that keep Chromium quiet and local: no first-run, no sync, no background fetches. */
export const QUIET_CHROMIUM_FLAGS = [
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  '--password-store=basic',
  '--disable-pinch',
  '--overscroll-history-navigation=0',
];

export function chromiumArgs(
  url: string,
  profileDir: string,
  opts: { kiosk: boolean; asRoot: boolean; windowSize?: [number, number] },
): string[] {
  const [w, h] = opts.windowSize ?? [1280, 960];
  return [
    `--app=${url}`,
    `--user-data-dir=${profileDir}`,
    ...QUIET_CHROMIUM_FLAGS,
    ...(opts.kiosk ? ['--kiosk'] : [`--window-size=${w},${h}`]),
    // Chromium refuses to run as root with its sandbox; root only happens on dev machines.
    ...(opts.asRoot ? ['--no-sandbox'] : []),
  ];
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const override = env['VECHE_CHROMIUM'];
  if (override !== undefined && override !== '') return existsSync(override) ? override : null;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** The Electron binary, if the electron package's runtime was downloaded on this machine. */
export function findElectron(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pkgDir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const bin = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

export function hasDisplay(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env['DISPLAY'] || env['WAYLAND_DISPLAY']);
}

export interface OpenedWindow {
  readonly kind: 'chromium' | 'electron';
  readonly child: ChildProcess;
  close(): void;
}

export function openChromium(url: string, binary: string, kiosk: boolean): OpenedWindow {
  const profile = mkdtempSync(join(tmpdir(), 'veche-chromium-'));
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const child = spawn(binary, chromiumArgs(url, profile, { kiosk, asRoot }), {
    stdio: 'ignore',
  });
  child.on('exit', () => rmSync(profile, { recursive: true, force: true }));
  return { kind: 'chromium', child, close: () => child.kill('SIGTERM') };
}

/**
 * Opens the Electron shell in its appliance mode: the host is already running (this
 * process) and announced itself in `readyFile`; the shell follows it from there.
 */
export function openElectron(binary: string, shellEntry: string, readyFile: string): OpenedWindow {
  const child = spawn(binary, [shellEntry, `--host-ready-file=${readyFile}`], { stdio: 'inherit' });
  return { kind: 'electron', child, close: () => child.kill('SIGTERM') };
}
