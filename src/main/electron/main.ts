// Entry of the Electron main process (package.json "main"). It only reads the command line
// and hands the real Electron module to createShell; all policy lives in shell.ts.
//
//   veche-kiosk                                  packaged app: forks the host itself
//   veche-kiosk --host-ready-file=PATH           appliance: systemd runs the host
import * as electron from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { systemClock } from '../../shared/clock.js';
import { createLogger } from '../../shared/log.js';
import { createShell, type HostMode } from './shell.js';

function hostMode(argv: readonly string[], appPath: string): HostMode {
  const prefix = '--host-ready-file=';
  const readyFile = argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
  if (readyFile !== undefined && readyFile !== '') {
    return { kind: 'ready-file', path: readyFile, readFile: (p) => readFile(p, 'utf8') };
  }
  return {
    kind: 'fork',
    entry: path.join(appPath, 'dist', 'host', 'cli', 'main.js'),
    args: ['serve'],
  };
}

const log = createLogger().child({ proc: 'shell' });
const shell = await createShell(electron, {
  host: hostMode(process.argv, electron.app.getAppPath()),
  clock: systemClock(),
  log,
});
if (!shell.ok) console.error(`veche-kiosk: ${shell.error}`);
