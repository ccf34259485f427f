// What the host imports from the hardware layer: the contract, the two factories, and the
// optional capabilities it may probe for. Everything else is internal to src/hardware.
export type * from './types.js';
export { createRealDevices, createSimulatedDevices, realDevicesConfigSchema } from './devices.js';
export type {
  DeviceSet,
  RealDevicesConfig,
  SimulatedDevices,
  SimulatedDevicesOptions,
} from './devices.js';
export { hasChipAuthenticator } from './card/chip.js';
export type { ChipAuthenticator, ChipError, ChipProof } from './card/chip.js';
export type { DevSimulatorDock } from './sim/dock.js';
export { PRINTER_PROFILES, printerProfile } from './printer/profiles.js';
export type { PrinterProfile } from './printer/profiles.js';
export { decodeEscPos, EscPosDecoder } from './escpos/decoder.js';
export type { PaperLine } from './escpos/decoder.js';
