// `veche-kiosk demo`: the host with simulated devices and the dev dock, and the UI in
// Electron if its runtime is here, else Debian's Chromium as an app window, else the URL.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost } from '../main/host.js';
import { writeReadyFile } from '../main/ready-file.js';
import { startDemoChain, type DemoChain } from './demo-chain.js';
import { createDemoVoting } from './demo-voting.js';
import type { VotingService } from '../main/voting/index.js';
import { startDemoStaff } from './staff-commands.js';
import { openSimulatedDevices } from '../main/devices.js';
import { rendererDir } from '../main/paths.js';
import {
  findChromium,
  findElectron,
  hasDisplay,
  openChromium,
  openElectron,
  type OpenedWindow,
} from '../main/shell/browser.js';
import { systemClock } from '../shared/clock.js';
import { EVENTS } from '../shared/events.js';
import { createLogger } from '../shared/log.js';
import { hostArgs, listenForStop, parsePort } from './args.js';

export async function runDemo(argv: string[]): Promise<number> {
  // Everything the demo writes (its kiosk's store, the staff state and exports, the ready
  // file) lives under one temporary folder that goes when the demo stops: a demo is thrown
  // away, and repeated runs must not fill /tmp.
  const demoDir = mkdtempSync(join(tmpdir(), 'veche-demo-'));
  try {
    return await runDemoIn(argv, demoDir);
  } finally {
    rmSync(demoDir, { recursive: true, force: true });
  }
}

async function runDemoIn(argv: string[], demoDir: string): Promise<number> {
  const args = hostArgs(argv);
  const dir = rendererDir('demo');
  if (dir === null) {
    console.error('demo: the demo renderer is not built; run `npm run build:renderer` first');
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
  let chain: DemoChain | null = null;
  if (!args['no-chain']) {
    const dir = join(demoDir, 'chain');
    mkdirSync(dir);
    console.log('Starting the local devnet (4 validators) and the kiosk light node…');
    try {
      chain = await startDemoChain({ clock, logger, dir });
    } catch (e) {
      // The simulators run as child processes on ptys: stop them before giving up.
      await sim.close();
      console.error(
        `demo: the local devnet did not start (${e instanceof Error ? e.message : String(e)}); ` +
          'run with --no-chain to use the kiosk without it',
      );
      return 1;
    }
  }
  const chainRef = chain;
  const staff =
    chainRef !== null
      ? await startDemoStaff({
          chain: chainRef,
          devices: sim.devices,
          clock,
          logger,
          stateDir: join(demoDir, 'staff'),
        })
      : undefined;
  let voting: VotingService | undefined;
  if (chainRef !== null) {
    try {
      voting = await createDemoVoting({
        world: chainRef.world,
        store: chainRef.store,
        sync: chainRef.sync,
        logger,
        printer: sim.devices.printer,
        clock,
        canVote: (electionId) => staff?.canVote(electionId) ?? false,
      });
    } catch (e) {
      // The devnet and the simulators run as child processes: stop them before giving up.
      staff?.close();
      await chainRef.close();
      await sim.close();
      console.error(
        `demo: voting could not start (${e instanceof Error ? e.message : String(e)}); ` +
          'run with --no-chain to use the kiosk without it',
      );
      return 1;
    }
  }
  const host = await createHost({
    clock,
    logger,
    devices: sim.devices,
    dock: sim.dock,
    ...(chainRef !== null ? { chainView: () => chainRef.view() } : {}),
    ...(voting !== undefined ? { voting } : {}),
    ...(staff !== undefined ? { staff } : {}),
    rendererDir: dir,
    ...(port !== undefined ? { port } : {}),
  });

  // Listened for before the URL is printed: a Ctrl-C the moment it appears would otherwise
  // meet the signal's default action (seen under load: killed, no clean stop).
  const stop = listenForStop();
  let window: OpenedWindow | null = null;
  try {
    if (!args.headless && hasDisplay()) {
      const electron = findElectron();
      const chromium = findChromium();
      const shellEntry = 'dist/host/main/electron/main.js';
      if (electron !== null && existsSync(shellEntry)) {
        const readyFile = join(demoDir, 'ready.json');
        writeReadyFile(readyFile, {
          type: 'veche-host-ready',
          origin: host.origin,
          token: host.token,
        });
        window = openElectron(electron, shellEntry, readyFile);
      } else if (chromium !== null) {
        window = openChromium(host.appUrl, chromium, args.kiosk);
      }
    }
    logger.info(EVENTS.shellStart, { shell: window?.kind ?? 'none' });
    console.log(
      `Veche Kiosk demo is running (${sim.transport} devices${chain ? ', local devnet' : ''}).`,
    );
    if (window === null) {
      const why = args.headless
        ? '--headless'
        : hasDisplay()
          ? 'no Chromium or Electron found'
          : 'no display';
      console.log(`Open this URL in a browser (${why}):\n  ${host.appUrl}`);
    } else {
      console.log(`The UI is open in ${window.kind}. Close it or press Ctrl-C to stop.`);
    }
  } catch (e) {
    // Nothing announced: stop everything (and give the signals back) so the process ends.
    stop.dispose();
    window?.close();
    await host.close();
    await chain?.close();
    await sim.close();
    throw e;
  }

  const closed = window
    ? new Promise<string>((r) => window?.child.once('exit', () => r('window closed')))
    : new Promise<string>(() => undefined);
  const why = await Promise.race([stop.signalled, closed]);
  logger.info(EVENTS.shellBrowserExit, { reason: why });
  window?.close();
  await host.close();
  await chain?.close();
  await sim.close();
  return 0;
}
