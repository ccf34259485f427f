// The touch controller, seen over HID for diagnostics only (input itself arrives through
// the compositor). Health is enumeration plus an open probe: a controller the OS lists but
// we cannot open (a missing udev rule, a wedged device) is a fault, not "present".
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { HARDWARE_EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { Listeners } from '../transport/byte-port.js';
import type { HidDeviceInfo, HidModule } from '../transport/hid.js';
import type { TouchController, TouchControllerInfo, TouchHealth } from '../types.js';

export interface HidTouchControllerOptions {
  /** node-hid, or a fake; a factory so the native module loads only when needed. */
  hid: () => Promise<HidModule>;
  clock: Clock;
  logger: Logger;
  /** Which enumerated device is the touch controller; default: HID digitizer/touch screen. */
  match?: (d: HidDeviceInfo) => boolean;
  /** How often health is re-checked while someone listens. */
  pollMs?: number;
  /** Open and close the device to prove it is usable (default true). */
  probe?: boolean;
}

/** HID usage page 0x0D (digitizers), usage 0x04 (touch screen). */
export const isTouchScreen = (d: HidDeviceInfo): boolean =>
  d.usagePage === 0x0d && d.usage === 0x04;

export class HidTouchController implements TouchController {
  private readonly listeners = new Listeners<TouchHealth>();
  private last: TouchHealth | null = null;
  private timer: TimerHandle | null = null;
  private module: HidModule | null = null;

  constructor(private readonly opts: HidTouchControllerOptions) {}

  async health(): Promise<TouchHealth> {
    const h = await this.check();
    this.publish(h);
    return h;
  }

  onHealth(listener: (health: TouchHealth) => void): () => void {
    const off = this.listeners.add(listener);
    if (this.timer === null) this.schedule();
    return () => {
      off();
      if (this.listeners.size === 0 && this.timer) {
        this.opts.clock.clearTimeout(this.timer);
        this.timer = null;
      }
    };
  }

  close(): void {
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.timer = this.opts.clock.setTimeout(() => {
      void this.health().finally(() => {
        if (this.listeners.size > 0) this.schedule();
        else this.timer = null;
      });
    }, this.opts.pollMs ?? 5000);
  }

  private async check(): Promise<TouchHealth> {
    try {
      this.module ??= await this.opts.hid();
    } catch (e) {
      return { state: 'fault', detail: `HID support unavailable: ${message(e)}` };
    }
    let devices: HidDeviceInfo[];
    try {
      devices = await this.module.devicesAsync();
    } catch (e) {
      return { state: 'fault', detail: `HID enumeration failed: ${message(e)}` };
    }
    const d = devices.find(this.opts.match ?? isTouchScreen);
    if (!d) return { state: 'absent' };
    if ((this.opts.probe ?? true) && d.path) {
      try {
        const h = await this.module.open(d.path);
        await h.close();
      } catch (e) {
        return {
          state: 'fault',
          detail: `touch controller present but cannot be opened: ${message(e)}`,
        };
      }
    }
    return { state: 'present', info: toInfo(d) };
  }

  private publish(h: TouchHealth): void {
    if (this.last && JSON.stringify(this.last) === JSON.stringify(h)) return;
    this.last = h;
    const fields =
      h.state === 'present'
        ? { state: h.state, vendorId: h.info.vendorId, productId: h.info.productId }
        : h.state === 'fault'
          ? { state: h.state, detail: h.detail }
          : { state: h.state };
    (h.state === 'fault' ? this.opts.logger.warn : this.opts.logger.info)(
      HARDWARE_EVENTS.touchHealth,
      fields,
    );
    this.listeners.emit(h);
  }
}

function toInfo(d: HidDeviceInfo): TouchControllerInfo {
  return {
    vendorId: d.vendorId,
    productId: d.productId,
    serialNumber: d.serialNumber ?? null,
    release: Number.isFinite(d.release) ? d.release : null,
    product: d.product ?? null,
  };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
