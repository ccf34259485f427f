// Devices for host-level integration and end-to-end tests. Interim: the in-memory double;
// replaced by the byte-level simulators once they land.
import type { HostDevices } from '../../src/main/host.js';
import type { SimulatorDock } from '../../src/hardware/types.js';
import { fakeDevices } from './fake-devices.js';

export interface TestDevices {
  devices: HostDevices;
  dock: SimulatorDock;
  welcomePerson: { id: string; greeting: string };
  garbageHex: string;
  identityStrings: string[];
  close(): Promise<void>;
}

export async function openTestDevices(): Promise<TestDevices> {
  const f = fakeDevices();
  return {
    devices: f.devices,
    dock: f.dock,
    welcomePerson: { id: 'alice', greeting: 'Alesia' },
    garbageHex: 'ff00fe7f0d0a',
    identityStrings: ['ALESIA', 'Alesia', 'KUPALA', 'AB1234567'],
    close: async () => undefined,
  };
}
