// A receipt printer, simulated on the device end of a serial line. It behaves like an
// Epson-class mechanism where it matters to the driver: real-time commands (DLE EOT,
// DLE DC4 8) are taken out of the byte stream as they arrive, even while the printer is
// offline; everything else waits in the receive buffer while paper is out or the cover is
// open and prints when it is back, unless the host cleared the buffer. Paper can be made
// to run out after a number of lines, to drill paper-out in the middle of a receipt.
import type { BytePort } from '../transport/byte-port.js';
import type { PrinterStatus } from '../types.js';
import { EscPosDecoder, type EscPosEvent, type PaperLine } from '../escpos/decoder.js';
import type { PrinterProfile } from '../printer/profiles.js';
import { profileCodepages } from '../printer/profiles.js';
import { asbBytes, blocking, realtimeByte } from '../printer/status-bytes.js';

export interface PaperView {
  text: string;
  bold: boolean;
  size: number;
  qr?: string;
  cut?: boolean;
}

export interface PrinterSimControl {
  setStatus(patch: Partial<PrinterStatus>): Promise<void>;
  /** Paper left, in printed lines; null for an endless roll. */
  setPaperRemaining(lines: number | null): Promise<void>;
  paper(): Promise<PaperView[]>;
}

const HELD_MAX = 64 * 1024;

export class PrinterSimulator implements PrinterSimControl {
  private status: PrinterStatus = {
    online: true,
    coverOpen: false,
    paperNearEnd: false,
    paperOut: false,
    error: false,
  };
  private decoder: EscPosDecoder;
  private readonly lines: PaperLine[] = [];
  private held: number[] = [];
  private rt: number[] = [];
  private asbMask = 0;
  private paperLeft: number | null = null;
  private forcedOffline = false;
  private readonly unsub: () => void;
  unknownCommands = 0;

  constructor(
    private readonly port: BytePort,
    profile: PrinterProfile,
  ) {
    this.decoder = new EscPosDecoder({ codepages: profileCodepages(profile) });
    this.unsub = port.onData((b) => this.onHostBytes(b));
  }

  detach(): void {
    this.unsub();
  }

  async setStatus(patch: Partial<PrinterStatus>): Promise<void> {
    const was = blocking(this.status);
    if (patch.online !== undefined) this.forcedOffline = !patch.online;
    this.status = { ...this.status, ...patch };
    // A printer is offline while it cannot print, whatever else is asked.
    this.status.online = !(
      this.status.paperOut ||
      this.status.coverOpen ||
      this.status.error ||
      this.forcedOffline
    );
    if (patch.paperOut === false && this.paperLeft === 0) this.paperLeft = null;
    this.sendAsb();
    if (was && !blocking(this.status)) {
      const held = this.held;
      this.held = [];
      for (const b of held) this.data(b);
    }
  }

  async setPaperRemaining(lines: number | null): Promise<void> {
    this.paperLeft = lines;
    if (lines === 0) await this.setStatus({ paperOut: true });
  }

  async paper(): Promise<PaperView[]> {
    return this.lines.map((l) => ({
      text: l.text,
      bold: l.bold,
      size: l.size,
      ...(l.qr !== undefined ? { qr: l.qr } : {}),
      ...(l.cut ? { cut: true } : {}),
    }));
  }

  private send(bytes: number[]): void {
    void this.port.write(Uint8Array.from(bytes));
  }

  private sendAsb(): void {
    if (this.asbMask !== 0) this.send(asbBytes(this.status));
  }

  private onHostBytes(bytes: Uint8Array): void {
    for (const b of bytes) this.realtimeFilter(b);
  }

  // DLE EOT n (3 bytes) and DLE DC4 fn … are executed on arrival, ahead of the buffer.
  private realtimeFilter(b: number): void {
    if (this.rt.length === 0) {
      if (b === 0x10) this.rt.push(b);
      else this.data(b);
      return;
    }
    this.rt.push(b);
    const [, c, fn] = this.rt;
    const need =
      c === 0x04 || c === 0x05 ? 3 : c === 0x14 ? (fn === undefined ? 3 : fn === 8 ? 10 : 5) : 0;
    if (need === 0) {
      // Not a real-time command after all: ordinary data.
      const bytes = this.rt;
      this.rt = [];
      for (const x of bytes) this.data(x);
      return;
    }
    if (this.rt.length < need) return;
    const cmd = this.rt;
    this.rt = [];
    if (c === 0x04) this.send([realtimeByte(cmd[2] ?? 0, this.status)]);
    else if (c === 0x14 && fn === 8) {
      this.held = [];
      this.send([0x37, 0x25, 0x00]);
    }
  }

  private data(b: number): void {
    if (blocking(this.status)) {
      if (this.held.length < HELD_MAX) this.held.push(b);
      return;
    }
    for (const e of this.decoder.push([b])) this.event(e);
  }

  private event(e: EscPosEvent): void {
    switch (e.kind) {
      case 'line':
        this.lines.push(e.line);
        if (this.paperLeft !== null && !e.line.cut) {
          this.paperLeft = Math.max(0, this.paperLeft - 1);
          if (this.paperLeft === 0) void this.setStatus({ paperOut: true });
        }
        return;
      case 'asb':
        this.asbMask = e.mask;
        this.sendAsb();
        return;
      case 'process-id':
        this.send([0x37, 0x22, ...e.id, 0x00]);
        return;
      case 'transmit-status':
        this.send([(this.status.paperNearEnd ? 0x03 : 0) | (this.status.paperOut ? 0x0c : 0)]);
        return;
      case 'unknown':
        this.unknownCommands++;
        return;
      case 'init':
      case 'realtime':
        return;
    }
  }
}
