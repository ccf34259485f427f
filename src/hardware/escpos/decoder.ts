// ESC/POS bytes → what the paper shows: lines with their style, the code page applied,
// QR payloads, cuts. Used by tests and by the simulated printer (the dev dock's paper
// view). Hand-written because no maintained library decodes ESC/POS. It is a streaming
// state machine: feed bytes in any chunking, it never throws, and whatever it cannot
// interpret is reported as an 'unknown' event with its offset instead of being guessed.
import iconv from 'iconv-lite';

export type Align = 'left' | 'center' | 'right';

export interface PaperLine {
  text: string;
  bold: boolean;
  /** The larger of the width and height multipliers of the line's printed characters. */
  size: number;
  align: Align;
  qr?: string;
  cut?: boolean;
}

export type EscPosEvent =
  | { kind: 'line'; line: PaperLine }
  | { kind: 'unknown'; offset: number; bytes: number[]; detail: string }
  /** Commands the printer (not the paper) acts on; the simulator answers them. */
  | { kind: 'asb'; mask: number }
  | { kind: 'process-id'; id: number[] }
  | { kind: 'transmit-status'; n: number }
  | { kind: 'realtime'; bytes: number[] }
  | { kind: 'init' };

export interface DecoderOptions {
  /** ESC t number → iconv-lite encoding name; 0 is CP437 on every ESC/POS printer. */
  codepages?: Record<number, string>;
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const LF = 0x0a;

interface Style {
  bold: boolean;
  width: number;
  height: number;
  align: Align;
  codepage: number;
}

const initialStyle = (): Style => ({
  bold: false,
  width: 1,
  height: 1,
  align: 'left',
  codepage: 0,
});

type Step = { consumed: number } | { need: number };

/** ESC commands of fixed length we accept and ignore (total bytes incl. ESC x). */
const ESC_FIXED: Record<number, number> = {
  0x20: 3, // ESC SP n: right-side spacing
  0x24: 4, // ESC $ nL nH: absolute position
  0x25: 3, // ESC % n: user-defined characters
  0x2d: 3, // ESC - n: underline
  0x32: 2, // ESC 2: default line spacing
  0x33: 3, // ESC 3 n: line spacing
  0x3c: 2, // ESC <: return home
  0x3d: 3, // ESC = n: peripheral select
  0x4a: 3, // ESC J n: feed n dots
  0x4b: 3, // ESC K n: reverse feed dots
  0x4c: 2, // ESC L: page mode
  0x4d: 3, // ESC M n: font
  0x52: 3, // ESC R n: international character set
  0x53: 2, // ESC S: standard mode
  0x54: 3, // ESC T n: print direction (page mode)
  0x55: 3, // ESC U n: unidirectional
  0x56: 3, // ESC V n: 90° rotation
  0x5c: 4, // ESC \ nL nH: relative position
  0x63: 4, // ESC c x n: panel buttons / paper sensors
  0x65: 3, // ESC e n: reverse feed lines
  0x69: 2, // ESC i: partial cut (legacy) — handled below
  0x6d: 2, // ESC m: partial cut (legacy) — handled below
  0x70: 5, // ESC p m t1 t2: drawer pulse
  0x74: 3, // ESC t n: code page — handled below
  0x7b: 3, // ESC { n: upside-down
};

/** GS commands of fixed length we accept and ignore. */
const GS_FIXED: Record<number, number> = {
  0x42: 3, // GS B n: reverse
  0x48: 3, // GS H n: HRI position
  0x4c: 4, // GS L nL nH: left margin
  0x50: 4, // GS P x y: motion units
  0x57: 4, // GS W nL nH: print area width
  0x62: 3, // GS b n: smoothing
  0x66: 3, // GS f n: HRI font
  0x68: 3, // GS h n: barcode height
  0x77: 3, // GS w n: barcode width
  0x49: 3, // GS I n: transmit printer ID
};

export class EscPosDecoder {
  private pending: number[] = [];
  /** Bytes the command at the head of `pending` needs before it can be parsed again. */
  private needed = 0;
  private offset = 0;
  private style = initialStyle();
  private segments: Array<{ text: string; bold: boolean; size: number }> = [];
  private qrData: string | null = null;
  private readonly codepages: Record<number, string>;
  private out: EscPosEvent[] = [];

  constructor(opts: DecoderOptions = {}) {
    this.codepages = { 0: 'cp437', ...opts.codepages };
  }

  push(bytes: Uint8Array | readonly number[]): EscPosEvent[] {
    for (const b of bytes) this.pending.push(b);
    if (this.pending.length < this.needed) return [];
    this.needed = 0;
    let pos = 0;
    let textStart = -1;
    const flushText = (end: number) => {
      if (textStart >= 0) this.text(this.pending.slice(textStart, end));
      textStart = -1;
    };
    while (pos < this.pending.length) {
      const b = this.pending[pos] ?? 0;
      if (b >= 0x20 && b !== 0x7f) {
        if (textStart < 0) textStart = pos;
        pos++;
        continue;
      }
      flushText(pos);
      const step = this.command(pos);
      if ('need' in step) {
        this.needed = step.need;
        break;
      }
      pos += step.consumed;
    }
    flushText(pos);
    this.pending = this.pending.slice(pos);
    this.offset += pos;
    const out = this.out;
    this.out = [];
    return out;
  }

  /** End of input: a command cut short is reported; text without LF is still paper. */
  finish(): EscPosEvent[] {
    if (this.pending.length > 0) {
      this.unknown(0, this.pending.length, 'truncated command');
      this.pending = [];
      this.needed = 0;
    }
    this.endLine(false);
    const out = this.out;
    this.out = [];
    return out;
  }

  private at(pos: number, i: number): number | undefined {
    return this.pending[pos + i];
  }

  private unknown(pos: number, len: number, detail: string): void {
    this.out.push({
      kind: 'unknown',
      offset: this.offset + pos,
      bytes: this.pending.slice(pos, pos + Math.min(len, 16)),
      detail,
    });
  }

  private text(bytes: number[]): void {
    const enc = this.codepages[this.style.codepage] ?? 'cp437';
    const text = iconv.decode(Buffer.from(bytes), enc);
    const size = Math.max(this.style.width, this.style.height);
    const last = this.segments[this.segments.length - 1];
    if (last && last.bold === this.style.bold && last.size === size) last.text += text;
    else this.segments.push({ text, bold: this.style.bold, size });
  }

  private endLine(always: boolean): void {
    if (!always && this.segments.length === 0) return;
    const text = this.segments.map((s) => s.text).join('');
    const inked = this.segments.filter((s) => s.text.trim() !== '');
    this.out.push({
      kind: 'line',
      line: {
        text,
        bold: inked.some((s) => s.bold),
        size: inked.reduce((m, s) => Math.max(m, s.size), 1),
        align: this.style.align,
      },
    });
    this.segments = [];
  }

  private special(line: Partial<PaperLine>): void {
    this.endLine(false);
    this.out.push({
      kind: 'line',
      line: { text: '', bold: false, size: 1, align: this.style.align, ...line },
    });
  }

  private command(pos: number): Step {
    const b = this.at(pos, 0) ?? 0;
    switch (b) {
      case LF:
        this.endLine(true);
        return { consumed: 1 };
      case 0x0d: // CR: the print head is already at the margin after LF
      case 0x00:
        return { consumed: 1 };
      case 0x09:
        this.text([0x20]);
        return { consumed: 1 };
      case 0x0c: // FF: in standard mode, print and feed like LF
        this.endLine(true);
        return { consumed: 1 };
      case ESC:
        return this.esc(pos);
      case GS:
        return this.gs(pos);
      case FS:
        return this.fs(pos);
      case DLE:
        return this.dle(pos);
      default:
        this.unknown(pos, 1, `control byte 0x${b.toString(16).padStart(2, '0')}`);
        return { consumed: 1 };
    }
  }

  private esc(pos: number): Step {
    const c = this.at(pos, 1);
    if (c === undefined) return { need: 2 };
    const n = this.at(pos, 2);
    switch (c) {
      case 0x40: // ESC @
        this.endLine(false);
        this.style = initialStyle();
        this.out.push({ kind: 'init' });
        return { consumed: 2 };
      case 0x45: // ESC E n
      case 0x47: // ESC G n (double-strike reads as bold on paper)
        if (n === undefined) return { need: 3 };
        this.style.bold = (n & 1) === 1;
        return { consumed: 3 };
      case 0x21: // ESC ! n
        if (n === undefined) return { need: 3 };
        this.style.bold = (n & 0x08) !== 0;
        this.style.height = n & 0x10 ? 2 : 1;
        this.style.width = n & 0x20 ? 2 : 1;
        return { consumed: 3 };
      case 0x61: // ESC a n
        if (n === undefined) return { need: 3 };
        this.style.align = n % 48 === 1 ? 'center' : n % 48 === 2 ? 'right' : 'left';
        if (n % 48 > 2) this.unknown(pos, 3, 'alignment out of range');
        return { consumed: 3 };
      case 0x74: // ESC t n
        if (n === undefined) return { need: 3 };
        if (this.codepages[n] === undefined)
          this.unknown(pos, 3, `code page ${n} not in this printer's table`);
        this.style.codepage = n;
        return { consumed: 3 };
      case 0x64: // ESC d n: print and feed n lines
        if (n === undefined) return { need: 3 };
        this.endLine(false);
        for (let i = 0; i < n; i++) this.endLine(true);
        return { consumed: 3 };
      case 0x69: // ESC i / ESC m: legacy cuts
      case 0x6d:
        this.special({ cut: true });
        return { consumed: 2 };
      default: {
        const len = ESC_FIXED[c];
        if (len === undefined) {
          this.unknown(pos, 2, `unknown command ESC 0x${c.toString(16)}`);
          return { consumed: 2 };
        }
        if (this.pending.length < pos + len) return { need: len };
        return { consumed: len };
      }
    }
  }

  private gs(pos: number): Step {
    const c = this.at(pos, 1);
    if (c === undefined) return { need: 2 };
    const n = this.at(pos, 2);
    switch (c) {
      case 0x21: // GS ! n
        if (n === undefined) return { need: 3 };
        this.style.width = ((n >> 4) & 7) + 1;
        this.style.height = (n & 7) + 1;
        return { consumed: 3 };
      case 0x56: {
        // GS V m [n]: cut; function B forms carry a feed amount
        if (n === undefined) return { need: 3 };
        const withFeed = [65, 66, 97, 98, 103, 104].includes(n);
        if (!withFeed && ![0, 1, 48, 49].includes(n)) {
          this.unknown(pos, 3, `cut mode ${n}`);
          return { consumed: 3 };
        }
        if (withFeed && this.at(pos, 3) === undefined) return { need: 4 };
        this.special({ cut: true });
        return { consumed: withFeed ? 4 : 3 };
      }
      case 0x61: // GS a n: automatic status back
        if (n === undefined) return { need: 3 };
        this.out.push({ kind: 'asb', mask: n });
        return { consumed: 3 };
      case 0x72: // GS r n: transmit status
        if (n === undefined) return { need: 3 };
        this.out.push({ kind: 'transmit-status', n });
        return { consumed: 3 };
      case 0x28: // GS ( X pL pH ...
        return this.gsParen(pos);
      case 0x6b: // GS k: barcode, printed as an image we do not render
        return this.barcode(pos);
      case 0x76: {
        // GS v 0 m xL xH yL yH d…: raster image
        if (this.pending.length < pos + 8) return { need: 8 };
        const x = (this.at(pos, 4) ?? 0) + (this.at(pos, 5) ?? 0) * 256;
        const y = (this.at(pos, 6) ?? 0) + (this.at(pos, 7) ?? 0) * 256;
        const total = 8 + x * y;
        if (this.pending.length < pos + total) return { need: total };
        this.special({ text: '[image]' });
        return { consumed: total };
      }
      default: {
        const len = GS_FIXED[c];
        if (len === undefined) {
          this.unknown(pos, 2, `unknown command GS 0x${c.toString(16)}`);
          return { consumed: 2 };
        }
        if (this.pending.length < pos + len) return { need: len };
        return { consumed: len };
      }
    }
  }

  private gsParen(pos: number): Step {
    if (this.pending.length < pos + 5) return { need: 5 };
    const fnClass = this.at(pos, 2) ?? 0;
    const len = (this.at(pos, 3) ?? 0) + (this.at(pos, 4) ?? 0) * 256;
    const total = 5 + len;
    if (this.pending.length < pos + total) return { need: total };
    const body = this.pending.slice(pos + 5, pos + total);
    if (fnClass === 0x6b && body[0] === 0x31) {
      // GS ( k cn=49: QR code; fn 80 stores the data, fn 81 prints it
      const fn = body[1];
      if (fn === 0x50) this.qrData = Buffer.from(body.slice(3)).toString('latin1');
      else if (fn === 0x51) {
        if (this.qrData === null) this.unknown(pos, total, 'QR print with no stored data');
        else this.special({ qr: this.qrData });
      } else if (fn === undefined || ![0x41, 0x43, 0x45, 0x52].includes(fn)) {
        this.unknown(pos, total, `QR function ${fn ?? 'missing'}`);
      }
    } else if (fnClass === 0x48 && body[0] === 0x30 && body[1] === 0x30 && len === 6) {
      this.out.push({ kind: 'process-id', id: body.slice(2, 6) });
    } else {
      this.unknown(pos, Math.min(total, 8), `unsupported GS ( 0x${fnClass.toString(16)} function`);
    }
    return { consumed: total };
  }

  private barcode(pos: number): Step {
    const m = this.at(pos, 2);
    if (m === undefined) return { need: 3 };
    if (m <= 6) {
      // NUL-terminated data
      const end = this.pending.indexOf(0, pos + 3);
      if (end < 0)
        return this.pending.length - pos > 255
          ? this.badBarcode(pos)
          : { need: this.pending.length - pos + 1 };
      this.special({ text: '[barcode]' });
      return { consumed: end - pos + 1 };
    }
    const n = this.at(pos, 3);
    if (n === undefined) return { need: 4 };
    if (this.pending.length < pos + 4 + n) return { need: 4 + n };
    this.special({ text: '[barcode]' });
    return { consumed: 4 + n };
  }

  private badBarcode(pos: number): Step {
    this.unknown(pos, 3, 'barcode data without terminator');
    return { consumed: 3 };
  }

  private fs(pos: number): Step {
    const c = this.at(pos, 1);
    if (c === undefined) return { need: 2 };
    if (c === 0x2e || c === 0x26) return { consumed: 2 }; // FS . / FS &: kanji mode off/on
    this.unknown(pos, 2, `unknown command FS 0x${c.toString(16)}`);
    return { consumed: 2 };
  }

  private dle(pos: number): Step {
    const c = this.at(pos, 1);
    if (c === undefined) return { need: 2 };
    if (c === 0x04 || c === 0x05) {
      // DLE EOT n / DLE ENQ n: real-time, no paper effect
      if (this.at(pos, 2) === undefined) return { need: 3 };
      this.out.push({ kind: 'realtime', bytes: this.pending.slice(pos, pos + 3) });
      return { consumed: 3 };
    }
    if (c === 0x14) {
      // DLE DC4 fn …: fn 1 (pulse) and 2 (power off) take 5 bytes, fn 8 (clear buffers) 10
      const fn = this.at(pos, 2);
      if (fn === undefined) return { need: 3 };
      const len = fn === 8 ? 10 : fn === 1 || fn === 2 ? 5 : 0;
      if (len === 0) {
        this.unknown(pos, 3, `DLE DC4 function ${fn}`);
        return { consumed: 3 };
      }
      if (this.pending.length < pos + len) return { need: len };
      this.out.push({ kind: 'realtime', bytes: this.pending.slice(pos, pos + len) });
      return { consumed: len };
    }
    this.unknown(pos, 2, `unknown command DLE 0x${c.toString(16)}`);
    return { consumed: 2 };
  }
}

/** Decodes a whole byte string at once. */
export function decodeEscPos(
  bytes: Uint8Array,
  opts?: DecoderOptions,
): {
  lines: PaperLine[];
  unknown: Array<Extract<EscPosEvent, { kind: 'unknown' }>>;
  events: EscPosEvent[];
} {
  const d = new EscPosDecoder(opts);
  const events = [...d.push(bytes), ...d.finish()];
  return {
    lines: events.flatMap((e) => (e.kind === 'line' ? [e.line] : [])),
    unknown: events.flatMap((e) => (e.kind === 'unknown' ? [e] : [])),
    events,
  };
}
