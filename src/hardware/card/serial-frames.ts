// The OCR document reader's serial protocol (docs/devices.md §ID-card reader): ASCII lines
// ended by CR, LF or CR LF. Lines starting with '@' are reader status messages; lines of
// the MRZ alphabet are MRZ text. A frame of MRZ lines ends when the lines form a complete
// ICAO layout, at an empty line, or when the frame timer fires (the driver owns the timer
// and calls `timeout()`). Pure and synchronous so it can be fuzzed without a port.

export type SerialToken =
  | { kind: 'ready'; model: string; capabilities: string[] }
  | { kind: 'card-in' }
  | { kind: 'card-out' }
  | { kind: 'reader-error'; code: string; text: string }
  | { kind: 'mrz'; lines: string[]; complete: boolean }
  | { kind: 'aa'; signatureHex: string; publicKeyHex: string }
  | { kind: 'garbled'; detail: string };

/** Longest line we buffer: a TD3 line is 44; an @AA answer (signature and key in hex) ~230. */
export const MAX_LINE = 512;
const MRZ_LINE = /^[A-Z0-9<]+$/;
const HEX = /^[0-9a-fA-F]*$/;

export class SerialFrameParser {
  private line: number[] = [];
  private overlong = false;
  private frame: string[] = [];

  /** True while MRZ lines have arrived but the frame is not yet complete. */
  get inFrame(): boolean {
    return this.frame.length > 0;
  }

  push(bytes: Uint8Array): SerialToken[] {
    const out: SerialToken[] = [];
    for (const b of bytes) {
      if (b === 0x0d || b === 0x0a) {
        this.endLine(out);
        continue;
      }
      if (this.line.length >= MAX_LINE) {
        this.overlong = true;
        continue;
      }
      this.line.push(b);
    }
    return out;
  }

  /** The frame timer fired: whatever MRZ lines we have are all we will get. */
  timeout(): SerialToken[] {
    const out: SerialToken[] = [];
    if (this.line.length > 0 || this.overlong) this.endLine(out);
    this.flushFrame(out, false);
    return out;
  }

  private endLine(out: SerialToken[]): void {
    const bytes = this.line;
    const overlong = this.overlong;
    this.line = [];
    this.overlong = false;
    if (overlong) {
      this.flushFrame(out, false);
      out.push({ kind: 'garbled', detail: `line longer than ${MAX_LINE} bytes` });
      return;
    }
    if (bytes.length === 0) {
      // CR LF gives an empty "line" between CR and LF; only a frame in progress cares.
      if (this.frame.length > 0 && this.frameCanEnd()) this.flushFrame(out, true);
      return;
    }
    if (bytes.some((b) => b < 0x20 || b > 0x7e)) {
      this.flushFrame(out, false);
      out.push({ kind: 'garbled', detail: 'non-ASCII bytes in a line' });
      return;
    }
    const text = String.fromCharCode(...bytes).trimEnd();
    if (text.startsWith('@')) {
      this.flushFrame(out, false);
      out.push(statusToken(text));
      return;
    }
    if (!MRZ_LINE.test(text)) {
      this.flushFrame(out, false);
      out.push({ kind: 'garbled', detail: 'line outside the MRZ alphabet' });
      return;
    }
    this.frame.push(text);
    if (isCompleteLayout(this.frame)) this.flushFrame(out, true);
    else if (this.frame.length >= 3) this.flushFrame(out, false);
  }

  // An empty line ends a frame early only when it already holds two lines (TD2/TD3 size);
  // otherwise it is the LF of a CR LF pair and the frame continues.
  private frameCanEnd(): boolean {
    return this.frame.length >= 2 && this.frame[0]?.length !== 30;
  }

  private flushFrame(out: SerialToken[], complete: boolean): void {
    if (this.frame.length === 0) return;
    out.push({
      kind: 'mrz',
      lines: this.frame,
      complete: complete || isCompleteLayout(this.frame),
    });
    this.frame = [];
  }
}

function isCompleteLayout(lines: readonly string[]): boolean {
  const n = lines.length;
  const len = lines[0]?.length ?? 0;
  if (!lines.every((l) => l.length === len)) return false;
  return (n === 3 && len === 30) || (n === 2 && (len === 44 || len === 36));
}

function statusToken(text: string): SerialToken {
  const [head = '', ...rest] = text.split(/\s+/);
  switch (head) {
    case '@READY':
      return { kind: 'ready', model: rest[0] ?? 'unknown', capabilities: rest.slice(1) };
    case '@CARD_IN':
      return { kind: 'card-in' };
    case '@CARD_OUT':
      return { kind: 'card-out' };
    case '@ERR':
      return { kind: 'reader-error', code: rest[0] ?? '?', text: rest.slice(1).join(' ') };
    case '@AA': {
      const [sig = '', key = ''] = rest;
      if (
        sig === '' ||
        key === '' ||
        !HEX.test(sig) ||
        !HEX.test(key) ||
        sig.length % 2 ||
        key.length % 2
      ) {
        return { kind: 'garbled', detail: 'malformed @AA response' };
      }
      return { kind: 'aa', signatureHex: sig, publicKeyHex: key };
    }
    default:
      return { kind: 'garbled', detail: `unknown status ${head.slice(0, 16)}` };
  }
}
