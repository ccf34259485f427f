// The printer → host byte stream: real-time status bytes (answers to DLE EOT n), automatic
// status back blocks (GS a), and "37 xx" responses (process ID, buffer cleared). Epson
// designed their bit patterns to be told apart without context (the fixed bits below), so
// the parser needs no knowledge of what was asked. Pure, never throws; bytes that fit no
// pattern are reported as 'unknown'.
import type { PrinterStatus } from '../types.js';

export type PrinterReply =
  | { kind: 'realtime'; byte: number }
  | { kind: 'asb'; bytes: [number, number, number, number] }
  | { kind: 'process-id'; id: number[] }
  | { kind: 'buffer-cleared' }
  | { kind: 'unknown'; bytes: number[] };

export const DLE_EOT = (n: 1 | 2 | 3 | 4): number[] => [0x10, 0x04, n];
export const CLEAR_BUFFERS = [0x10, 0x14, 0x08, 0x01, 0x03, 0x14, 0x01, 0x06, 0x02, 0x08];
export const ASB_ALL = 0x0f; // drawer, online/offline, error, paper sensor

const isRealtime = (b: number) => (b & 0x93) === 0x12; // bit 1 and 4 set, 0 and 7 clear
const isAsbFirst = (b: number) => (b & 0x93) === 0x10; // bit 4 set, 0, 1, 7 clear
const isAsbRest = (b: number) => (b & 0x90) === 0x00; // bits 4 and 7 clear

export class PrinterReplyParser {
  private buf: number[] = [];

  push(bytes: Uint8Array | readonly number[]): PrinterReply[] {
    const out: PrinterReply[] = [];
    for (const b of bytes) {
      this.buf.push(b);
      this.drain(out);
    }
    return out;
  }

  private drain(out: PrinterReply[]): void {
    for (;;) {
      const b0 = this.buf[0];
      if (b0 === undefined) return;
      if (isRealtime(b0)) {
        out.push({ kind: 'realtime', byte: b0 });
        this.buf.shift();
        continue;
      }
      if (isAsbFirst(b0)) {
        for (let i = 1; i < this.buf.length; i++) {
          if (!isAsbRest(this.buf[i] ?? 0xff)) return this.reject(out);
        }
        if (this.buf.length < 4) return;
        out.push({
          kind: 'asb',
          bytes: [b0, this.buf[1] ?? 0, this.buf[2] ?? 0, this.buf[3] ?? 0],
        });
        this.buf = this.buf.slice(4);
        continue;
      }
      if (b0 === 0x37) {
        const b1 = this.buf[1];
        if (b1 === undefined) return;
        if (b1 === 0x25) {
          if (this.buf.length < 3) return;
          if (this.buf[2] !== 0x00) return this.reject(out);
          out.push({ kind: 'buffer-cleared' });
          this.buf = this.buf.slice(3);
          continue;
        }
        if (b1 === 0x22) {
          if (this.buf.length < 7) return;
          if (this.buf[6] !== 0x00) return this.reject(out);
          out.push({ kind: 'process-id', id: this.buf.slice(2, 6) });
          this.buf = this.buf.slice(7);
          continue;
        }
      }
      return this.reject(out);
    }
  }

  // The head byte starts nothing we know: report it and resynchronise on the next byte.
  private reject(out: PrinterReply[]): void {
    out.push({ kind: 'unknown', bytes: [this.buf[0] ?? 0] });
    this.buf.shift();
    this.drain(out);
  }
}

/** Status from the four DLE EOT answers (n = 1 printer, 2 offline cause, 3 error cause, 4 paper). */
export function statusFromRealtime(b1: number, b2: number, b3: number, b4: number): PrinterStatus {
  return {
    online: (b1 & 0x08) === 0,
    coverOpen: (b2 & 0x04) !== 0,
    paperNearEnd: (b4 & 0x0c) === 0x0c,
    paperOut: (b4 & 0x60) === 0x60 || (b2 & 0x20) !== 0,
    error: (b2 & 0x40) !== 0 || (b3 & 0x68) !== 0,
  };
}

/** Status from an automatic status back block. */
export function statusFromAsb(a: readonly [number, number, number, number]): PrinterStatus {
  return {
    online: (a[0] & 0x08) === 0,
    coverOpen: (a[0] & 0x20) !== 0,
    paperNearEnd: (a[2] & 0x03) === 0x03,
    paperOut: (a[2] & 0x0c) === 0x0c,
    error: (a[1] & 0x68) !== 0,
  };
}

/** The printer side: the byte a printer answers to DLE EOT n. */
export function realtimeByte(n: number, s: PrinterStatus): number {
  let b = 0x12;
  switch (n) {
    case 1:
      if (!s.online) b |= 0x08;
      break;
    case 2:
      if (s.coverOpen) b |= 0x04;
      if (s.paperOut) b |= 0x20;
      if (s.error) b |= 0x40;
      break;
    case 3:
      if (s.error) b |= 0x20;
      break;
    case 4:
      if (s.paperNearEnd) b |= 0x0c;
      if (s.paperOut) b |= 0x60;
      break;
    default:
      break;
  }
  return b;
}

/** The printer side: an automatic status back block. */
export function asbBytes(s: PrinterStatus): [number, number, number, number] {
  return [
    0x10 | (s.online ? 0 : 0x08) | (s.coverOpen ? 0x20 : 0),
    s.error ? 0x20 : 0,
    (s.paperNearEnd ? 0x03 : 0) | (s.paperOut ? 0x0c : 0),
    0,
  ];
}

export function blocking(s: PrinterStatus): boolean {
  return !s.online || s.coverOpen || s.paperOut || s.error;
}

export function sameStatus(a: PrinterStatus, b: PrinterStatus): boolean {
  return (
    a.online === b.online &&
    a.coverOpen === b.coverOpen &&
    a.paperNearEnd === b.paperNearEnd &&
    a.paperOut === b.paperOut &&
    a.error === b.error
  );
}
