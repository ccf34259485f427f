// `veche-kiosk serve`: the host alone. The Electron shell (utilityProcess) and the appliance's
// systemd unit start it this way; the parent learns origin and token from the ready message.
import { createHost } from '../main/host.js';
import { openSimulatedDevices } from '../main/devices.js';
import { rendererDir } from '../main/paths.js';
import { announceReady } from '../main/ready.js';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/log.js';
import { hostArgs, parsePort, untilSignal } from './args.js';

export async function runServe(argv: string[]): Promise<number> {
  const args = hostArgs(argv);
  if (!args.simulated) {
    console.error(
      'serve: real-device configuration comes with provisioning; use --simulated until then',
    );
    return 2;
  }
  const dir = rendererDir('production') ?? rendererDir('demo');
  if (dir === null) {
    console.error('serve: the renderer is not built; run `npm run build` first');
    return 1;
  }
  const clock = systemClock();
  const logger = createLogger();
  const sim = await openSimulatedDevices({
    clock,
    logger,
    transport: args.transport === 'mock' ? 'mock' : 'pty',
  });
  const port = parsePort(args.port);
  const host = await createHost({
    clock,
    logger,
    devices: sim.devices,
    rendererDir: dir,
    ...(port !== undefined ? { port } : {}),
  });
  announceReady({ type: 'veche-host-ready', origin: host.origin, token: host.token });
  await untilSignal();
  await host.close();
  await sim.close();
  return 0;
}
