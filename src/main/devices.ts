// How the composition root gets its simulated devices: over socat pty pairs when socat is
// installed (the real serial drivers talk to simulator processes, byte for byte), otherwise
// fully in-process over serialport's mock binding.
import { existsSync, readFileSync } from 'node:fs';
import { createRealDevices, createSimulatedDevices } from '../hardware/devices.js';
import { err, ok, type Result } from '../shared/result.js';
import type { SimulatorDock } from '../hardware/types.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/log.js';
import type { HostDevices } from './host.js';

export interface OpenedSimulators {
  devices: HostDevices;
  dock: SimulatorDock;
  transport: 'mock' | 'pty';
  close(): Promise<void>;
}

export function socatAvailable(): boolean {
  return ['/usr/bin/socat', '/bin/socat', '/usr/local/bin/socat'].some((p) => existsSync(p));
}

export async function openSimulatedDevices(opts: {
  clock: Clock;
  logger: Logger;
  transport: 'mock' | 'pty';
}): Promise<OpenedSimulators> {
  const transport = opts.transport === 'pty' && socatAvailable() ? 'pty' : 'mock';
  const made = await createSimulatedDevices({
    clock: opts.clock,
    logger: opts.logger,
    transport,
  });
  if (!made.ok) throw new Error(`could not start the device simulators: ${made.error}`);
  const sim = made.value;
  return {
    devices: { cardReader: sim.cardReader, printer: sim.printer, touch: sim.touch },
    dock: sim.dock,
    transport,
    close: () => sim.close(),
  };
}

/**
 * Real devices from the kiosk's device configuration (a JSON file the technician's
 * provisioning writes; schema: realDevicesConfigSchema in src/hardware/devices.ts).
 * A missing or malformed file is a plain error for the technician, not a crash.
 */
export function openRealDevices(opts: {
  clock: Clock;
  logger: Logger;
  configPath: string;
}): Result<{ devices: HostDevices; close(): Promise<void> }, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(opts.configPath, 'utf8'));
  } catch (e) {
    return err(
      `cannot read the device configuration ${opts.configPath}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const made = createRealDevices(raw as Parameters<typeof createRealDevices>[0], {
    clock: opts.clock,
    logger: opts.logger,
  });
  if (!made.ok) return made;
  const d = made.value;
  return ok({
    devices: { cardReader: d.cardReader, printer: d.printer, touch: d.touch },
    close: () => d.close(),
  });
}
