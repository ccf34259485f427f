// `veche-kiosk serve`: the kiosk host. With --state-dir (the appliance's systemd unit) it runs
// the composed kiosk (src/main/kiosk-composition.ts): store, key, provisioning wizard, staff,
// light node and voting as far as provisioned; without, a bare host with devices only (the
// image test's simulated smoke run). The parent learns origin and token from the ready
// message, or, with --ready-file, only from that file (the token must not reach the journal).
// See docs/appliance.md §3–4 and docs/composition.md.
import { existsSync, mkdirSync } from 'node:fs';
import { createHost } from '../main/host.js';
import { join } from 'node:path';
import type { HostDevices } from '../main/host.js';
import { DEFAULT_HOST_CONFIG, readHostConfig } from '../main/compose/config.js';
import { resolveExportDir } from '../main/compose/export-dir.js';
import { trustFromHostConfig } from '../main/compose/trust.js';
import { openConfiguredDevices } from '../main/compose/unavailable-devices.js';
import { openRealDevices, openSimulatedDevices } from '../main/devices.js';
import {
  composeKiosk,
  describeUnavailable,
  type KioskComposition,
} from '../main/kiosk-composition.js';
import { rendererDir } from '../main/paths.js';
import { announceReady } from '../main/ready.js';
import { removeReadyFile, writeReadyFile } from '../main/ready-file.js';
import { createSdNotifier, eventLoopResponsive } from '../main/sd-notify.js';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/log.js';
import { hostArgs, listenForStop, parsePort } from './args.js';

/** The exit code after a bundle import or a decommission: the host's services are built from
 * the provisioning record, so it exits and its supervisor (systemd `Restart=always`, the
 * Electron shell's supervisor) starts it again on the new record. EX_TEMPFAIL. */
export const EXIT_RESTART = 75;
/** Where the host configuration (pinned authority keys, sealer) is read from. */
export const HOST_CONFIG_ENV = 'VECHE_HOST_CONFIG';
/** Lets the wizard's RPC reply leave before the server closes. */
const RESTART_GRACE_MS = 500;

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
  let sim: { devices: HostDevices; close(): Promise<void> };
  if (args.simulated) {
    sim = await openSimulatedDevices({
      clock,
      logger,
      transport: args.transport === 'mock' ? 'mock' : 'pty',
    });
  } else if (args.devices !== undefined) {
    // A file named on the command line is the operator's own: a wrong one is said at once.
    const real = openRealDevices({ clock, logger, configPath: args.devices });
    if (!real.ok) {
      console.error(`serve: ${real.error}`);
      return 1;
    }
    sim = real.value;
  } else if (stateDir !== undefined) {
    // The kiosk's own devices.json: missing or broken, the host still starts (first boot).
    const opened = openConfiguredDevices({
      clock,
      logger,
      configPath: join(stateDir, 'devices.json'),
    });
    if (opened.fault !== null) console.error(`serve: devices unavailable: ${opened.fault}`);
    sim = opened;
  } else {
    console.error('serve: give --devices FILE (or --state-dir with devices.json), or --simulated');
    return 2;
  }
  let kiosk: KioskComposition | undefined;
  if (stateDir !== undefined) {
    const config = readHostConfig(process.env[HOST_CONFIG_ENV] ?? DEFAULT_HOST_CONFIG);
    const exportDir = resolveExportDir({
      flag: args['export-dir'],
      config: config.ok ? config.value.exportDir : undefined,
      exists: existsSync,
    });
    try {
      kiosk = await composeKiosk({
        stateDir,
        devices: sim.devices,
        clock,
        logger,
        trust: trustFromHostConfig(config, process.env),
        ...(exportDir.dir !== undefined ? { exportDir: exportDir.dir } : {}),
      });
    } catch (e) {
      await sim.close();
      console.error(`serve: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
  }
  const port = parsePort(args.port);
  const host = await createHost({
    clock,
    logger,
    devices: sim.devices,
    rendererDir: dir,
    ...(port !== undefined ? { port } : {}),
    ...(kiosk !== undefined
      ? {
          staff: kiosk.staff,
          chainView: kiosk.chainView,
          ...(kiosk.voting !== undefined ? { voting: kiosk.voting } : {}),
        }
      : {}),
  });
  // Listened for before readiness is announced: a stop sent on the announcement (systemd's
  // notify is awaited below) is clean.
  const stop = listenForStop();
  const ready = { type: 'veche-host-ready' as const, origin: host.origin, token: host.token };
  const readyFile = args['ready-file'];
  try {
    if (readyFile !== undefined) writeReadyFile(readyFile, ready);
    else announceReady(ready);
    // `systemctl status veche-host` shows this line: the technician sees at once what runs.
    const summary =
      kiosk === undefined
        ? ''
        : `; ${kiosk.provisioning.status().state}, voting ${
            kiosk.votingState === 'running' ? 'running' : describeUnavailable(kiosk.votingState)
          }`;
    await notify.ready(`listening on ${host.origin.replace('http://', '')}${summary}`);
  } catch (e) {
    // Not announced: nothing is serving anyone. Stop everything, so the process ends.
    stop.dispose();
    await host.close();
    await kiosk?.close();
    await sim.close();
    throw e;
  }
  const stopWatchdog = notify.startWatchdog(() => eventLoopResponsive());

  const never = new Promise<never>(() => undefined);
  const why = await Promise.race([stop.signalled, kiosk?.restart ?? never]);
  const restarting = why === 'provisioned' || why === 'decommissioned';
  if (restarting) await new Promise((r) => setTimeout(r, RESTART_GRACE_MS));
  await notify.stopping();
  stopWatchdog();
  if (readyFile !== undefined) removeReadyFile(readyFile);
  await host.close();
  await kiosk?.close();
  await sim.close();
  return restarting ? EXIT_RESTART : 0;
}
