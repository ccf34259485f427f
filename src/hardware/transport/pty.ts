// A pty pair made by socat: two linked pseudo-terminals that behave like the two ends of
// a null-modem serial cable. The driver opens one end with serialport's native binding
// (exactly as it opens /dev/ttyUSB0); a simulator opens the other.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';

export interface PtyPair {
  hostPath: string;
  devicePath: string;
  close(): Promise<void>;
}

export async function createPtyPair(
  dir: string,
  name: string,
  timeoutMs = 5000,
): Promise<Result<PtyPair, string>> {
  const hostPath = join(dir, `${name}-host`);
  const devicePath = join(dir, `${name}-device`);
  let child: ChildProcess;
  try {
    child = spawn(
      'socat',
      [`pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${devicePath}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (e) {
    return err(`socat: ${e instanceof Error ? e.message : String(e)}`);
  }
  let exited = false;
  let spawnError = '';
  child.on('error', (e) => (spawnError = e.message));
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (!(existsSync(hostPath) && existsSync(devicePath))) {
    if (exited || spawnError !== '' || Date.now() > deadline) {
      if (!exited) child.kill('SIGTERM');
      return err(`socat did not create the pty pair${spawnError ? `: ${spawnError}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return ok({
    hostPath,
    devicePath,
    async close() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await gone;
    },
  });
}
