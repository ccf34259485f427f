// Devices for a host whose device configuration is missing or broken. The host must still
// start (first-boot provisioning happens on screen), so each device is present but reports
// the configuration fault: the card reader fails to start (the host marks it 'fault'), the
// printer is offline, the touch controller is in fault. The wizard's device test and the
// diagnostics screen show the plain reason.
import type {
  CardReader,
  PrinterStatus,
  ReceiptPrinter,
  TouchController,
} from '../../hardware/types.js';
import type { Clock } from '../../shared/clock.js';
import { EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { err } from '../../shared/result.js';
import { openRealDevices } from '../devices.js';
import type { HostDevices } from '../host.js';

const OFFLINE: PrinterStatus = {
  online: false,
  coverOpen: false,
  paperNearEnd: false,
  paperOut: false,
  error: true,
};

export function unavailableDevices(reason: string): HostDevices {
  const detail = reason.slice(0, 200);
  const cardReader: CardReader = {
    name: 'card reader (not configured)',
    onEvent: () => () => undefined,
    start: () => Promise.resolve(err({ kind: 'not-found' as const, detail })),
    stop: () => Promise.resolve(),
  };
  const printer: ReceiptPrinter = {
    name: 'printer (not configured)',
    print: () =>
      Promise.resolve(err({ kind: 'device' as const, error: { kind: 'not-found', detail } })),
    status: () => Promise.resolve(err({ kind: 'not-found' as const, detail })),
    // The host's device view starts at 'ready'; it learns the fault from the first status.
    onStatus: (listener) => {
      queueMicrotask(() => listener({ ...OFFLINE }));
      return () => undefined;
    },
  };
  const touch: TouchController = {
    health: () => Promise.resolve({ state: 'fault' as const, detail }),
    onHealth: () => () => undefined,
  };
  return { cardReader, printer, touch };
}

/**
 * The kiosk's real devices from its configuration file, or, when the file is missing or
 * broken, devices that report the fault: the host starts either way (docs/composition.md).
 */
export function openConfiguredDevices(opts: { clock: Clock; logger: Logger; configPath: string }): {
  devices: HostDevices;
  fault: string | null;
  close(): Promise<void>;
} {
  const real = openRealDevices(opts);
  if (real.ok) return { ...real.value, fault: null };
  opts.logger.error(EVENTS.composeDevicesUnavailable, { reason: real.error.slice(0, 200) });
  return {
    devices: unavailableDevices(real.error),
    fault: real.error,
    close: () => Promise.resolve(),
  };
}
