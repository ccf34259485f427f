// A stand-in for node-hid: an enumerator with plug/unplug, and devices with the event
// surface of HIDAsync ('data' per input report, 'error' when the device goes away). The
// HID card reader simulator sends HID-POS or keyboard-wedge reports for a sample person.
import { EventEmitter } from 'node:events';
import type { HIDAsync } from 'node-hid';
import { err, ok, type Result } from '../../shared/result.js';
import { encodeHidPosReports } from '../card/hid-pos.js';
import { encodeWedgeReports, type LayoutId } from '../card/keyboard-wedge.js';
import type { HidDevice, HidDeviceInfo, HidModule } from '../transport/hid.js';
import type { CardSimControl } from './card-reader-sim.js';
import { DOCK_CARDS, findPerson, type SamplePerson } from './people.js';

export class FakeHidDevice extends EventEmitter implements HidDevice {
  closed = false;
  readonly written: number[][] = [];

  constructor(readonly info: HidDeviceInfo) {
    super();
  }

  async write(values: number[] | Buffer): Promise<number> {
    if (this.closed) throw new Error('device closed');
    this.written.push([...values]);
    return values.length;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async getDeviceInfo(): Promise<HidDeviceInfo> {
    return this.info;
  }

  /** One input report, as the device would send it. */
  report(bytes: Uint8Array): void {
    if (this.closed) return;
    if (this.paused) this.queued.push(Buffer.from(bytes));
    else this.emit('data', Buffer.from(bytes));
  }

  // The rest of HIDAsync, so code written against node-hid runs against the simulator.
  private paused = false;
  private readonly queued: Buffer[] = [];
  readonly featureReports = new Map<number, Buffer>();

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const b of this.queued.splice(0)) this.emit('data', b);
  }

  async read(): Promise<Buffer | undefined> {
    return this.queued.shift();
  }

  async sendFeatureReport(data: number[] | Buffer): Promise<number> {
    if (this.closed) throw new Error('device closed');
    this.featureReports.set(data[0] ?? 0, Buffer.from(data));
    return data.length;
  }

  async getFeatureReport(reportId: number, reportLength: number): Promise<Buffer> {
    if (this.closed) throw new Error('device closed');
    return Buffer.concat(
      [this.featureReports.get(reportId) ?? Buffer.from([reportId])],
      reportLength,
    );
  }

  async setNonBlocking(): Promise<void> {}
}

// Compile-time proof that the simulator offers node-hid's HIDAsync surface.
const _sameSurfaceAsHidAsync = (d: FakeHidDevice): HIDAsync => d;
void _sameSurfaceAsHidAsync;

export class FakeHidModule implements HidModule {
  private readonly infos = new Map<string, HidDeviceInfo>();
  private readonly open_ = new Map<string, FakeHidDevice[]>();
  /** Paths whose open() fails, as with a missing udev rule. */
  readonly denied = new Set<string>();
  enumerationFault: string | null = null;

  constructor(devices: HidDeviceInfo[] = []) {
    for (const d of devices) this.plug(d);
  }

  plug(info: HidDeviceInfo): void {
    this.infos.set(info.path ?? `${info.vendorId}:${info.productId}`, info);
  }

  /** Removes the device; open handles report an error as node-hid's do. */
  unplug(path: string): void {
    this.infos.delete(path);
    for (const d of this.open_.get(path) ?? []) {
      if (d.closed) continue;
      d.closed = true;
      if (d.listenerCount('error') > 0)
        d.emit('error', new Error('could not read from HID device'));
    }
    this.open_.delete(path);
  }

  async devicesAsync(): Promise<HidDeviceInfo[]> {
    if (this.enumerationFault !== null) throw new Error(this.enumerationFault);
    return [...this.infos.values()];
  }

  async open(path: string): Promise<FakeHidDevice> {
    const info = this.infos.get(path);
    if (!info) throw new Error(`cannot open device with path ${path}`);
    if (this.denied.has(path))
      throw new Error(`cannot open device with path ${path}: permission denied`);
    const d = new FakeHidDevice(info);
    this.open_.set(path, [...(this.open_.get(path) ?? []), d]);
    return d;
  }

  /** The handles a driver holds on a path (tests send reports through them). */
  opened(path: string): FakeHidDevice[] {
    return (this.open_.get(path) ?? []).filter((d) => !d.closed);
  }
}

export const SIM_TOUCH_INFO: HidDeviceInfo = {
  vendorId: 0x0eef,
  productId: 0x0001,
  path: '/dev/hidraw-sim-touch',
  serialNumber: 'SIM-TOUCH-0001',
  manufacturer: 'eGalax Inc.',
  product: 'eGalaxTouch Virtual Device',
  release: 0x0100,
  interface: 0,
  usagePage: 0x0d,
  usage: 0x04,
};

export const SIM_HID_READER_INFO: HidDeviceInfo = {
  vendorId: 0x1d6b,
  productId: 0x0c80,
  path: '/dev/hidraw-sim-mrz',
  serialNumber: 'SIM-MRZ-0001',
  manufacturer: 'Veche Simulations',
  product: 'MRZ reader (HID)',
  release: 0x0200,
  interface: 0,
  usagePage: 0x8c,
  usage: 0x02,
};

/** An MRZ reader on HID, driven by the dock. */
export class HidCardSimulator implements CardSimControl {
  private present = false;

  constructor(
    private readonly hid: FakeHidModule,
    private readonly mode: 'hid-pos' | 'keyboard-wedge',
    private readonly layout: LayoutId = 'us',
    private readonly info: HidDeviceInfo = SIM_HID_READER_INFO,
    private readonly people: readonly SamplePerson[] = DOCK_CARDS,
  ) {}

  private send(reports: Uint8Array[]): void {
    for (const d of this.hid.opened(this.info.path ?? '')) for (const r of reports) d.report(r);
  }

  async insert(
    personId: string,
  ): Promise<Result<void, { kind: 'unknown-person' | 'card-present' }>> {
    const person = findPerson(personId, this.people);
    if (!person) return err({ kind: 'unknown-person' });
    if (this.present) return err({ kind: 'card-present' });
    this.present = true;
    this.send(
      this.mode === 'hid-pos'
        ? encodeHidPosReports(person.mrz.join('\r'))
        : encodeWedgeReports(person.mrz, this.layout),
    );
    return ok(undefined);
  }

  async remove(): Promise<void> {
    // Swipe readers have no document sensor; the driver infers removal from silence.
    this.present = false;
  }

  async inject(bytes: Uint8Array): Promise<void> {
    this.send([bytes]);
  }
}
