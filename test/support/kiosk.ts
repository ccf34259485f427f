// The host as the end-to-end tests run it: the byte-level simulators (pty when socat is
// installed), the dev dock's RPC, and a renderer build served from disk.
import { createHost, type Host } from '../../src/main/host.js';
import { systemClock } from '../../src/shared/clock.js';
import type { Logger } from '../../src/shared/log.js';
import { openTestDevices, type TestDevices } from './devices.js';

export interface TestKiosk {
  host: Host;
  devices: TestDevices;
  close(): Promise<void>;
}

export async function startTestKiosk(rendererDir: string, logger: Logger): Promise<TestKiosk> {
  const clock = systemClock();
  const devices = await openTestDevices(clock, logger);
  const host = await createHost({
    clock,
    logger,
    devices: devices.devices,
    dock: devices.dock,
    rendererDir,
  });
  return {
    host,
    devices,
    async close() {
      await host.close();
      await devices.close();
    },
  };
}

/** Calls the host's RPC as the page would, with the boot token. */
export async function rpc(host: Host, method: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${host.origin}/rpc/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
    body: JSON.stringify(body),
  });
  return res.json();
}
