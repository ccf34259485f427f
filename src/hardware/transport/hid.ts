// The slice of node-hid the drivers use, so tests and simulators can stand in for it.
// node-hid's HIDAsync satisfies HidDevice; `nodeHidModule()` adapts the real package.

export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  serialNumber?: string | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  release: number;
  interface: number;
  usagePage?: number | undefined;
  usage?: number | undefined;
}

/** The event surface of node-hid's HIDAsync: 'data' carries one input report. */
export interface HidDevice {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeAllListeners(event?: string): unknown;
  write(values: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
}

export interface HidModule {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidDevice>;
}

/** The real thing, loaded lazily so hosts without the native module can still use simulators. */
export async function nodeHidModule(): Promise<HidModule> {
  const hid = await import('node-hid');
  return {
    devicesAsync: () => hid.devicesAsync(),
    open: (path) => hid.HIDAsync.open(path),
  };
}
