// Driver for an OCR document reader on a serial line (protocol in docs/devices.md). It
// owns the frame timer and the chip challenge; the byte-level framing is SerialFrameParser.
import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { HARDWARE_EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { assertNever, err, ok, type Result } from '../../shared/result.js';
import type { BytePort, PortOpener } from '../transport/byte-port.js';
import type { CardEvent, CardReader, DeviceError } from '../types.js';
import { CardEventHub } from './card-events.js';
import {
  verifyChipSignature,
  type ChipAuthenticator,
  type ChipError,
  type ChipProof,
} from './chip.js';
import { SerialFrameParser, type SerialToken } from './serial-frames.js';

export interface SerialCardReaderOptions {
  open: PortOpener;
  clock: Clock;
  logger: Logger;
  name?: string;
  /** From the first MRZ line to a complete frame; a slower frame is a bad read. */
  frameTimeoutMs?: number;
  /** How long start() waits for the reader's @READY. */
  helloTimeoutMs?: number;
  /** After the line is lost, how often to try to reopen it (0: never; the host calls start()). */
  reconnectMs?: number;
  chipTimeoutMs?: number;
  random?: (n: number) => Uint8Array;
}

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface PendingChip {
  challenge: Uint8Array;
  timer: TimerHandle;
  resolve: (r: Result<ChipProof, ChipError>) => void;
}

export class SerialCardReader implements CardReader, ChipAuthenticator {
  readonly name: string;
  private readonly hub: CardEventHub;
  private parser = new SerialFrameParser();
  private port: BytePort | null = null;
  private frameTimer: TimerHandle | null = null;
  private hello: ((ok: boolean) => void) | null = null;
  private capabilities: string[] = [];
  private chip: PendingChip | null = null;
  private unsubs: Array<() => void> = [];
  private reconnectTimer: TimerHandle | null = null;
  /** Set when the line was lost, cleared by stop(): whether to keep trying to reopen. */
  private reconnecting = false;

  constructor(private readonly opts: SerialCardReaderOptions) {
    this.name = opts.name ?? 'serial-ocr';
    this.hub = new CardEventHub(this.name, opts.clock, opts.logger);
  }

  get chipSupported(): boolean {
    return this.capabilities.includes('AA');
  }

  onEvent(listener: (event: CardEvent) => void): () => void {
    return this.hub.subscribe(listener);
  }

  async start(): Promise<Result<void, DeviceError>> {
    this.cancelReconnect();
    if (this.port) return ok(undefined);
    const opened = await this.opts.open();
    if (!opened.ok) {
      this.opts.logger.error(HARDWARE_EVENTS.deviceFault, {
        device: this.name,
        kind: opened.error.kind,
        detail: opened.error.detail,
      });
      return opened;
    }
    const port = opened.value;
    this.port = port;
    this.parser = new SerialFrameParser();
    this.unsubs = [port.onData((b) => this.onBytes(b)), port.onClose((d) => this.onLost(d))];
    const answered = new Promise<boolean>((resolve) => {
      const t = this.opts.clock.setTimeout(() => resolve(false), this.opts.helloTimeoutMs ?? 2000);
      this.hello = (v) => {
        this.opts.clock.clearTimeout(t);
        resolve(v);
      };
    });
    const wrote = await port.write(enc('?\r\n'));
    if (!wrote.ok) {
      await this.closePort();
      return wrote;
    }
    if (!(await answered)) {
      await this.closePort();
      return err({ kind: 'io', detail: `${this.name}: no @READY from the reader` });
    }
    this.opts.logger.info(HARDWARE_EVENTS.deviceConnected, {
      device: this.name,
      capabilities: this.capabilities.join(' '),
    });
    return ok(undefined);
  }

  async stop(): Promise<void> {
    this.cancelReconnect();
    this.reconnecting = false;
    await this.closePort();
  }

  private async closePort(): Promise<void> {
    const port = this.port;
    this.port = null;
    for (const u of this.unsubs) u();
    this.unsubs = [];
    this.clearFrameTimer();
    this.hello = null;
    this.failChip({ kind: 'device', detail: 'reader stopped' });
    await port?.close();
  }

  async authenticateChip(): Promise<Result<ChipProof, ChipError>> {
    if (!this.port) return err({ kind: 'device', detail: 'reader not started' });
    if (!this.chipSupported)
      return err({ kind: 'unsupported', detail: 'reader did not announce AA' });
    if (!this.hub.cardPresent) return err({ kind: 'no-card', detail: 'no card in the reader' });
    if (this.chip) return err({ kind: 'busy', detail: 'a challenge is in flight' });
    const challenge = (this.opts.random ?? ((n) => new Uint8Array(randomBytes(n))))(16);
    const result = new Promise<Result<ChipProof, ChipError>>((resolve) => {
      const timer = this.opts.clock.setTimeout(
        () => this.failChip({ kind: 'timeout', detail: 'chip did not answer' }),
        this.opts.chipTimeoutMs ?? 2000,
      );
      this.chip = { challenge, timer, resolve };
    });
    const wrote = await this.port.write(enc(`CHAL ${hex(challenge)}\r\n`));
    if (!wrote.ok) this.failChip({ kind: 'device', detail: wrote.error.detail });
    return result;
  }

  private failChip(e: ChipError): void {
    const c = this.chip;
    if (!c) return;
    this.chip = null;
    this.opts.clock.clearTimeout(c.timer);
    c.resolve(err(e));
  }

  private onBytes(bytes: Uint8Array): void {
    for (const t of this.parser.push(bytes)) this.onToken(t);
    if (this.parser.inFrame && this.frameTimer === null) {
      this.frameTimer = this.opts.clock.setTimeout(() => {
        this.frameTimer = null;
        for (const t of this.parser.timeout()) this.onToken(t);
      }, this.opts.frameTimeoutMs ?? 500);
    } else if (!this.parser.inFrame) {
      this.clearFrameTimer();
    }
  }

  private clearFrameTimer(): void {
    if (this.frameTimer) this.opts.clock.clearTimeout(this.frameTimer);
    this.frameTimer = null;
  }

  private onToken(t: SerialToken): void {
    switch (t.kind) {
      case 'ready':
        this.capabilities = t.capabilities;
        this.hello?.(true);
        this.hello = null;
        return;
      case 'card-in':
        this.hub.cardIn();
        return;
      case 'card-out':
        this.failChip({ kind: 'no-card', detail: 'card removed' });
        this.hub.cardOut();
        return;
      case 'reader-error':
        if (t.code === 'CHIP' && this.chip) {
          this.failChip({ kind: 'chip-error', detail: t.text.slice(0, 80) });
          return;
        }
        this.hub.error(
          t.code === 'OCR'
            ? 'read-badly'
            : t.code === 'DOC'
              ? 'unsupported-document'
              : 'reader-fault',
          `reader ${t.code}: ${t.text.slice(0, 80)}`,
        );
        return;
      case 'mrz':
        if (!t.complete) {
          this.hub.cardIn();
          this.hub.error('read-badly', `incomplete MRZ frame (${t.lines.length} lines)`);
          return;
        }
        this.hub.mrz(t.lines);
        return;
      case 'aa': {
        const c = this.chip;
        if (!c) {
          this.hub.error('reader-fault', 'unsolicited @AA');
          return;
        }
        this.chip = null;
        this.opts.clock.clearTimeout(c.timer);
        const proof: ChipProof = {
          challenge: c.challenge,
          signature: new Uint8Array(Buffer.from(t.signatureHex, 'hex')),
          publicKey: new Uint8Array(Buffer.from(t.publicKeyHex, 'hex')),
        };
        c.resolve(
          verifyChipSignature(proof)
            ? ok(proof)
            : err({ kind: 'bad-signature', detail: 'signature does not verify' }),
        );
        return;
      }
      case 'garbled':
        this.hub.error(this.hub.cardPresent ? 'read-badly' : 'reader-fault', t.detail);
        return;
      default:
        assertNever(t, 'serial token');
    }
  }

  private onLost(detail: string): void {
    if (!this.port) return;
    this.port = null;
    for (const u of this.unsubs) u();
    this.unsubs = [];
    this.clearFrameTimer();
    this.failChip({ kind: 'device', detail });
    this.opts.logger.warn(HARDWARE_EVENTS.deviceDisconnected, { device: this.name, detail });
    this.hub.error('reader-fault', `reader disconnected: ${detail}`);
    this.hub.cardOut();
    this.reconnecting = true;
    this.scheduleReconnect();
  }

  // A replugged reader comes back by itself: the kiosk keeps trying to reopen the line.
  private scheduleReconnect(): void {
    const every = this.opts.reconnectMs ?? 2000;
    if (every <= 0 || this.reconnectTimer) return;
    this.reconnectTimer = this.opts.clock.setTimeout(() => {
      this.reconnectTimer = null;
      void this.start().then((r) => {
        if (!r.ok && !this.port && this.reconnecting) this.scheduleReconnect();
      });
    }, every);
  }

  private cancelReconnect(): void {
    if (this.reconnectTimer) this.opts.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }
}
