// The appliance's shell learns the host's origin and token from a file in /run, because
// systemd (not the shell) starts the host there. Written atomically so the shell never
// reads half a file; group-readable (0640) because the unit's UMask=0077 would hide it
// from the veche-ui user. See docs/appliance.md §3.
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ReadyMessage } from './ready.js';

export function writeReadyFile(path: string, msg: ReadyMessage): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(msg) + '\n');
    fchmodSync(fd, 0o640);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function removeReadyFile(path: string): void {
  rmSync(path, { force: true });
}
