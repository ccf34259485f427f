// Keyboard-wedge readers type the MRZ as USB HID boot-keyboard reports (8 bytes: modifier
// bits, reserved, six key usages). The reader is configured for some keyboard layout and
// sends the usage that produces each character on *that* layout: '<' is Shift+',' on US
// but the ISO key (0x64) on German and French layouts, French digits need Shift, German
// swaps Y and Z. We read the raw usages (not characters from the OS), so we decode them
// ourselves with each configured layout and keep the one that yields an MRZ.

export type LayoutId = 'us' | 'de' | 'fr';
export const LAYOUTS: readonly LayoutId[] = ['us', 'de', 'fr'];

export interface KeyPress {
  usage: number;
  shift: boolean;
}

const ENTER = new Set([0x28, 0x58]);
const SHIFT_BITS = 0x22; // left and right shift
const BAD = '\uFFFD';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** usage → [unshifted, shifted] overrides per layout, on top of the US letter/digit rows. */
const LAYOUT_KEYS: Record<LayoutId, Map<number, [string, string]>> = {
  us: new Map([
    [0x36, [',', '<']],
    [0x64, ['\\', '|']],
  ]),
  de: new Map([
    [0x1c, ['Z', 'Z']],
    [0x1d, ['Y', 'Y']],
    [0x36, [',', ';']],
    [0x64, ['<', '>']],
  ]),
  fr: new Map<number, [string, string]>([
    [0x04, ['Q', 'Q']],
    [0x14, ['A', 'A']],
    [0x1a, ['Z', 'Z']],
    [0x1d, ['W', 'W']],
    [0x33, ['M', 'M']],
    [0x10, [',', '?']],
    [0x36, [';', '.']],
    [0x64, ['<', '>']],
    ...[...'&é"\'(-è_çà'].map((c, i): [number, [string, string]] => [
      0x1e + i,
      [c, '1234567890'[i] ?? BAD],
    ]),
  ]),
};

/** The character a key press gives on a layout (uppercase letters: MRZ has no lowercase). */
export function keyToChar(layout: LayoutId, k: KeyPress): string {
  const o = LAYOUT_KEYS[layout].get(k.usage);
  if (o) return k.shift ? o[1] : o[0];
  if (k.usage >= 0x04 && k.usage <= 0x1d) return LETTERS[k.usage - 0x04] ?? BAD;
  if (k.usage >= 0x1e && k.usage <= 0x27)
    return k.shift ? BAD : ('1234567890'[k.usage - 0x1e] ?? BAD);
  return BAD;
}

/** The key press that types `c` on a layout (simulator side); null if it cannot. */
export function charToKey(layout: LayoutId, c: string): KeyPress | null {
  let table = reverse.get(layout);
  if (!table) {
    table = new Map();
    for (let usage = 0x64; usage >= 0x04; usage--) {
      for (const shift of [true, false])
        table.set(keyToChar(layout, { usage, shift }), { usage, shift });
    }
    reverse.set(layout, table);
  }
  const k = table.get(c);
  return k && c !== BAD ? { ...k } : null;
}
const reverse = new Map<LayoutId, Map<string, KeyPress>>();

/** Boot-keyboard reports that type `lines` (each followed by Enter) on `layout`. */
export function encodeWedgeReports(lines: readonly string[], layout: LayoutId): Uint8Array[] {
  const out: Uint8Array[] = [];
  const release = new Uint8Array(8);
  for (const line of lines) {
    for (const c of line) {
      const k = charToKey(layout, c);
      if (!k) throw new Error(`layout ${layout} cannot type ${c}`);
      out.push(Uint8Array.from([k.shift ? 0x02 : 0, 0, k.usage, 0, 0, 0, 0, 0]), release);
    }
    out.push(Uint8Array.from([0, 0, 0x28, 0, 0, 0, 0, 0]), release);
  }
  return out;
}

export type WedgeToken =
  | { kind: 'mrz'; candidates: Array<{ layout: LayoutId; lines: string[] }> }
  | { kind: 'garbled'; detail: string };

const MAX_LINE_KEYS = 64;
const MRZ_LINE = /^[A-Z0-9<]+$/;

export class KeyboardWedgeAssembler {
  private held = new Set<number>();
  private line: KeyPress[] = [];
  private lines: KeyPress[][] = [];
  // After a failure the rest of that read is noise; drop keys until the reader goes quiet
  // so one bad read gives one error event, not one per remaining line.
  private discarding = false;

  constructor(private readonly layouts: readonly LayoutId[] = LAYOUTS) {}

  /** True while a read is in progress or being discarded (the driver arms its idle timer). */
  get inRead(): boolean {
    return this.line.length > 0 || this.lines.length > 0 || this.discarding;
  }

  push(raw: Uint8Array): WedgeToken[] {
    // Some readers number their reports (ID 1 + 8 bytes); boot reports are 8 bytes.
    const report = raw.length === 9 && raw[0] === 1 ? raw.subarray(1) : raw;
    if (report.length !== 8)
      return this.discarding ? [] : this.fail(`keyboard report of ${raw.length} bytes`);
    const keys = [...report.subarray(2)].filter((u) => u !== 0);
    if (keys.some((u) => u >= 0x01 && u <= 0x03))
      return this.discarding ? [] : this.fail('keyboard rollover error');
    const shift = ((report[0] ?? 0) & SHIFT_BITS) !== 0;
    const out: WedgeToken[] = [];
    for (const usage of keys) {
      if (this.held.has(usage) || this.discarding) continue;
      if (ENTER.has(usage)) out.push(...this.endLine());
      else if (this.line.length >= MAX_LINE_KEYS)
        out.push(...this.fail('line longer than any MRZ'));
      else this.line.push({ usage, shift });
    }
    this.held = new Set(keys);
    return out;
  }

  /** The reader went quiet mid-read. */
  timeout(): WedgeToken[] {
    this.discarding = false;
    if (!this.inRead) return [];
    return this.fail('read ended mid-way');
  }

  private endLine(): WedgeToken[] {
    if (this.line.length === 0) return [];
    this.lines.push(this.line);
    this.line = [];
    const lens = this.lines.map((l) => l.length);
    const first = lens[0] ?? 0;
    if (!lens.every((n) => n === first)) return this.fail('MRZ lines of different lengths');
    const complete =
      (lens.length === 3 && first === 30) || (lens.length === 2 && (first === 44 || first === 36));
    if (complete) return this.decode();
    if (lens.length >= 3 || (lens.length === 2 && first !== 30))
      return this.fail(`no MRZ layout has lines of ${first}`);
    return [];
  }

  private decode(): WedgeToken[] {
    const keyLines = this.lines;
    this.reset();
    const candidates = this.layouts
      .map((layout) => ({
        layout,
        lines: keyLines.map((l) => l.map((k) => keyToChar(layout, k)).join('')),
      }))
      .filter((c) => c.lines.every((l) => MRZ_LINE.test(l)));
    if (candidates.length === 0)
      return [
        {
          kind: 'garbled',
          detail: `keys do not spell an MRZ in layouts ${this.layouts.join(',')}`,
        },
      ];
    return [{ kind: 'mrz', candidates }];
  }

  private reset(): void {
    this.line = [];
    this.lines = [];
  }

  private fail(detail: string): WedgeToken[] {
    this.reset();
    this.discarding = true;
    return [{ kind: 'garbled', detail }];
  }
}
