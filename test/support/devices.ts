// Devices for host-level end-to-end tests: the byte-level simulators behind the real
// drivers, over socat pty pairs when socat is installed (as in CI), else in-process.
import { openSimulatedDevices } from '../../src/main/devices.js';
import type { HostDevices } from '../../src/main/host.js';
import type { SimulatorDock } from '../../src/hardware/types.js';
import type { Clock } from '../../src/shared/clock.js';
import { silentLogger, type Logger } from '../../src/shared/log.js';

export interface TestDevices {
  devices: HostDevices;
  dock: SimulatorDock;
  transport: 'mock' | 'pty';
  welcomePerson: { id: string; greeting: string };
  expiredPersonId: string;
  /** Bytes the card reader cannot make sense of. */
  garbageHex: string;
  /** Identity data of the sample people used, which must never reach a log. */
  identityStrings: string[];
  close(): Promise<void>;
}

export async function openTestDevices(
  clock: Clock,
  logger: Logger = silentLogger,
): Promise<TestDevices> {
  const sim = await openSimulatedDevices({ clock, logger, transport: 'pty' });
  return {
    ...sim,
    welcomePerson: { id: 'lutsevich-td1', greeting: 'Ivan' },
    expiredPersonId: 'bahdanovich-expired',
    // A TD1-shaped frame whose check digits are wrong, then CR LF.
    garbageHex: Buffer.from('IDBLRKB42071829<<<<<<<<<<<<<<<\r\n', 'latin1').toString('hex'),
    identityStrings: ['LUTSEVICH', 'Lutsevich', 'KB4207182', '820707', '1982-07-07', 'Ivan'],
  };
}
