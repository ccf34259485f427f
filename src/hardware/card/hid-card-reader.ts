// Driver for MRZ readers on USB HID: HID-POS (scanner reports) or keyboard wedge (typed
// keys). Neither has a document sensor, so presence is inferred: 'present' when a read
// starts, 'removed' a short settle time after it ends (the document has left the slot of
// a swipe reader by then). Reads that stop half-way end by the idle timer.
import { parseMrz } from '../mrz/parse-mrz.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { HARDWARE_EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { assertNever, err, ok, type Result } from '../../shared/result.js';
import type { HidDevice, HidDeviceInfo, HidModule } from '../transport/hid.js';
import type { CardEvent, CardReader, DeviceError } from '../types.js';
import { CardEventHub } from './card-events.js';
import { HidPosAssembler, type HidPosToken } from './hid-pos.js';
import {
  KeyboardWedgeAssembler,
  LAYOUTS,
  type LayoutId,
  type WedgeToken,
} from './keyboard-wedge.js';

export interface HidCardReaderOptions {
  hid: HidModule;
  clock: Clock;
  logger: Logger;
  mode: 'hid-pos' | 'keyboard-wedge';
  /** Picks the reader among the enumerated devices. */
  match: (d: HidDeviceInfo) => boolean;
  /** Keyboard wedge: the layouts the reader may be set to, most likely first. */
  layouts?: readonly LayoutId[];
  name?: string;
  idleTimeoutMs?: number;
  removedAfterMs?: number;
}

type Assembler = {
  push(r: Uint8Array): Array<HidPosToken | WedgeToken>;
  timeout(): Array<HidPosToken | WedgeToken>;
  readonly inRead: boolean;
};

export class HidCardReader implements CardReader {
  readonly name: string;
  private readonly hub: CardEventHub;
  private device: HidDevice | null = null;
  private assembler: Assembler;
  private idleTimer: TimerHandle | null = null;
  private removeTimer: TimerHandle | null = null;

  constructor(private readonly opts: HidCardReaderOptions) {
    this.name = opts.name ?? `hid-${opts.mode}`;
    this.hub = new CardEventHub(this.name, opts.clock, opts.logger);
    this.assembler = this.newAssembler();
  }

  private newAssembler(): Assembler {
    return this.opts.mode === 'hid-pos'
      ? new HidPosAssembler()
      : new KeyboardWedgeAssembler(this.opts.layouts ?? LAYOUTS);
  }

  onEvent(listener: (event: CardEvent) => void): () => void {
    return this.hub.subscribe(listener);
  }

  async start(): Promise<Result<void, DeviceError>> {
    if (this.device) return ok(undefined);
    let info: HidDeviceInfo | undefined;
    try {
      info = (await this.opts.hid.devicesAsync()).find((d) => this.opts.match(d));
    } catch (e) {
      return err({ kind: 'io', detail: `HID enumeration failed: ${String(e)}` });
    }
    if (!info?.path)
      return err({ kind: 'not-found', detail: `${this.name}: no matching HID device` });
    try {
      this.device = await this.opts.hid.open(info.path);
    } catch (e) {
      return err({
        kind: 'io',
        detail: `${this.name}: open failed: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
    this.assembler = this.newAssembler();
    this.device.on('data', (d: Buffer) => this.onReport(new Uint8Array(d)));
    this.device.on(
      'error',
      (e: unknown) => void this.onLost(e instanceof Error ? e.message : String(e)),
    );
    this.opts.logger.info(HARDWARE_EVENTS.deviceConnected, {
      device: this.name,
      vendorId: info.vendorId,
      productId: info.productId,
    });
    return ok(undefined);
  }

  async stop(): Promise<void> {
    const d = this.device;
    this.device = null;
    this.clearTimers();
    if (d) {
      d.removeAllListeners('data');
      d.removeAllListeners('error');
      await d.close().catch(() => undefined);
    }
  }

  private clearTimers(): void {
    if (this.idleTimer) this.opts.clock.clearTimeout(this.idleTimer);
    if (this.removeTimer) this.opts.clock.clearTimeout(this.removeTimer);
    this.idleTimer = null;
    this.removeTimer = null;
  }

  private onReport(report: Uint8Array): void {
    if (this.removeTimer) {
      this.opts.clock.clearTimeout(this.removeTimer);
      this.removeTimer = null;
    }
    for (const t of this.assembler.push(report)) this.onToken(t);
    if (this.idleTimer) this.opts.clock.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.assembler.inRead) {
      this.hub.cardIn();
      this.idleTimer = this.opts.clock.setTimeout(() => {
        this.idleTimer = null;
        for (const t of this.assembler.timeout()) this.onToken(t);
      }, this.opts.idleTimeoutMs ?? 300);
    }
  }

  private onToken(t: HidPosToken | WedgeToken): void {
    switch (t.kind) {
      case 'mrz':
        if ('candidates' in t) this.hub.mrz(this.pickLayout(t.candidates));
        else this.hub.mrz(t.lines);
        break;
      case 'garbled':
        this.hub.cardIn();
        this.hub.error('read-badly', t.detail);
        break;
      default:
        assertNever(t, 'HID token');
    }
    this.scheduleRemoved();
  }

  // Several layouts can spell MRZ characters; prefer the one whose check digits hold.
  private pickLayout(candidates: Array<{ layout: LayoutId; lines: string[] }>): string[] {
    const now = this.opts.clock.now();
    const good = candidates.find((c) => {
      const r = parseMrz(c.lines, now);
      return r.ok || r.error.reason !== 'read-badly';
    });
    return (good ?? candidates[0])?.lines ?? [];
  }

  private scheduleRemoved(): void {
    if (this.removeTimer) this.opts.clock.clearTimeout(this.removeTimer);
    this.removeTimer = this.opts.clock.setTimeout(() => {
      this.removeTimer = null;
      this.hub.cardOut();
    }, this.opts.removedAfterMs ?? 1500);
  }

  private async onLost(detail: string): Promise<void> {
    if (!this.device) return;
    this.opts.logger.warn(HARDWARE_EVENTS.deviceDisconnected, { device: this.name, detail });
    this.hub.error('reader-fault', `reader disconnected: ${detail}`);
    this.hub.cardOut();
    await this.stop();
  }
}
