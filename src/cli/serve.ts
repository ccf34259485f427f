// `veche-kiosk serve`: the host alone. The Electron shell (utilityProcess) and the appliance's
// systemd unit start it this way; the parent learns origin and token from the ready message
// (or, under systemd, from the ready file). See docs/appliance.md §3–4.
import { mkdirSync } from 'node:fs';
import { createHost } from '../main/host.js';
import { join } from 'node:path';
import type { HostDevices } from '../main/host.js';
import { openRealDevices, openSimulatedDevices } from '../main/devices.js';
import { rendererDir } from '../main/paths.js';
import { announceReady } from '../main/ready.js';
import { removeReadyFile, writeReadyFile } from '../main/ready-file.js';
import { createSdNotifier, eventLoopResponsive } from '../main/sd-notify.js';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/log.js';
import { hostArgs, parsePort, untilSignal } from './args.js';

export async function runServe(argv: string[]): Promise<number> {
  const args = hostArgs(argv);
  const dir = rendererDir('production') ?? rendererDir('demo');
  if (dir === null) {
    console.error('serve: the renderer is not built; run `npm run build` first');
    return 1;
  }
  const stateDir = args['state-dir'];
  if (stateDir !== undefined) mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const clock = systemClock();
  const logger = createLogger();
  const notify = createSdNotifier({ env: process.env, pid: process.pid, clock });
  const devicesConfig =
    args.devices ?? (stateDir !== undefined ? join(stateDir, 'devices.json') : undefined);
  let sim: { devices: HostDevices; close(): Promise<void> };
  if (args.simulated) {
    sim = await openSimulatedDevices({
      clock,
      logger,
      transport: args.transport === 'mock' ? 'mock' : 'pty',
    });
  } else if (devicesConfig === undefined) {
    console.error('serve: give --devices FILE (or --state-dir with devices.json), or --simulated');
    return 2;
  } else {
    const real = openRealDevices({ clock, logger, configPath: devicesConfig });
    if (!real.ok) {
      console.error(`serve: ${real.error}`);
      return 1;
    }
    sim = real.value;
  }
  const port = parsePort(args.port);
  const host = await createHost({
    clock,
    logger,
    devices: sim.devices,
    rendererDir: dir,
    ...(port !== undefined ? { port } : {}),
  });
  const ready = { type: 'veche-host-ready' as const, origin: host.origin, token: host.token };
  const readyFile = args['ready-file'];
  if (readyFile !== undefined) writeReadyFile(readyFile, ready);
  announceReady(ready);
  await notify.ready(`listening on ${host.origin.replace('http://', '')}`);
  const stopWatchdog = notify.startWatchdog(() => eventLoopResponsive());

  await untilSignal();
  await notify.stopping();
  stopWatchdog();
  if (readyFile !== undefined) removeReadyFile(readyFile);
  await host.close();
  await sim.close();
  return 0;
}
