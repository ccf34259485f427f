// Whether bytes are the deterministic encoding (RFC 8949 §4.2.1) of a value in the canonical
// data model (encoding.ts), read straight off the bytes. decodeCanonical used to prove this
// by encoding the decoded value again and comparing: that second encoding (a token list, a
// sort of every map's entries) was most of the cost and garbage of decoding a large answer.
// One pass here checks what that comparison did: shortest heads, definite lengths, map keys
// in strictly increasing bytewise order (no duplicates), well-formed UTF-8 without a leading
// byte-order mark (the decoder would drop it), and no items
// outside the model (floats, tags, undefined, simple values). The decoder still runs: this
// pass only answers "is it the one encoding", on bytes the decoder already accepted.
import { isUtf8 } from 'node:buffer';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Where an item ends, or -1 when it is not canonical (or not in the model). */
function item(b: Uint8Array, at: number): number {
  if (at >= b.length) return -1;
  const ib = b[at] as number;
  const major = ib >> 5;
  const info = ib & 0x1f;
  let arg: number;
  let p = at + 1;
  if (info < 24) {
    arg = info;
  } else if (info === 24) {
    if (p + 1 > b.length) return -1;
    arg = b[p] as number;
    p += 1;
    if (arg < 24) return -1;
  } else if (info === 25) {
    if (p + 2 > b.length) return -1;
    arg = ((b[p] as number) << 8) | (b[p + 1] as number);
    p += 2;
    if (arg < 0x100) return -1;
  } else if (info === 26) {
    if (p + 4 > b.length) return -1;
    arg =
      (b[p] as number) * 0x1000000 +
      (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
    p += 4;
    if (arg < 0x10000) return -1;
  } else if (info === 27) {
    if (p + 8 > b.length) return -1;
    const hi =
      (b[p] as number) * 0x1000000 +
      (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
    const lo =
      (b[p + 4] as number) * 0x1000000 +
      (((b[p + 5] as number) << 16) | ((b[p + 6] as number) << 8) | (b[p + 7] as number));
    p += 8;
    // Nothing in the model needs more than 2^53 - 1 (a safe integer, or a length).
    if (hi === 0 || hi > 0x1fffff) return -1;
    arg = hi * 0x100000000 + lo;
  } else {
    // 28–30 are reserved; 31 is an indefinite length or a break.
    return -1;
  }
  switch (major) {
    case 0:
      return arg <= MAX_SAFE ? p : -1;
    case 1:
      // -1 - arg must stay a safe integer.
      return arg <= MAX_SAFE - 1 ? p : -1;
    case 2:
      return p + arg <= b.length ? p + arg : -1;
    case 3:
      if (p + arg > b.length) return -1;
      // A leading BOM (EF BB BF) is valid UTF-8, but the decoder's TextDecoder drops it:
      // "\uFEFFabc" would decode to "abc", a second encoding of that value.
      if (arg >= 3 && b[p] === 0xef && b[p + 1] === 0xbb && b[p + 2] === 0xbf) return -1;
      return isUtf8(b.subarray(p, p + arg)) ? p + arg : -1;
    case 4: {
      for (let i = 0; i < arg && p >= 0; i++) p = item(b, p);
      return p;
    }
    case 5: {
      let prevStart = -1;
      let prevEnd = -1;
      for (let i = 0; i < arg; i++) {
        // Keys are text (the model's maps are records).
        if (p >= b.length || (b[p] as number) >> 5 !== 3) return -1;
        const keyEnd = item(b, p);
        if (keyEnd < 0) return -1;
        if (prevStart >= 0 && compareRanges(b, prevStart, prevEnd, p, keyEnd) >= 0) return -1;
        prevStart = p;
        prevEnd = keyEnd;
        p = item(b, keyEnd);
        if (p < 0) return -1;
      }
      return p;
    }
    case 6:
      return -1;
    case 7:
      // false, true, null; not undefined, other simple values or floats.
      return info >= 20 && info <= 22 ? at + 1 : -1;
    default:
      return -1;
  }
}

/** Bytewise order of b[a0, a1) and b[c0, c1), shorter first on a common prefix. */
function compareRanges(b: Uint8Array, a0: number, a1: number, c0: number, c1: number): number {
  const n = Math.min(a1 - a0, c1 - c0);
  for (let i = 0; i < n; i++) {
    const d = (b[a0 + i] as number) - (b[c0 + i] as number);
    if (d !== 0) return d;
  }
  return a1 - a0 - (c1 - c0);
}

/** True when `bytes` hold exactly one item, encoded deterministically within the model. */
export function isCanonicalCbor(bytes: Uint8Array): boolean {
  return item(bytes, 0) === bytes.length;
}

// ---- writing ---------------------------------------------------------------------------
// The same encoding written directly (cborg builds a token list and sorts every map's
// entries as encoded tokens first: most of the cost and garbage of a large answer). Values
// are checked against the model by the caller (encodeCanonical); a property test compares
// the bytes with cborg's rfc8949 encoder.

/** A growable output buffer. */
class Out {
  buf = Buffer.allocUnsafe(256);
  at = 0;

  room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  head(major: number, arg: number): void {
    this.room(9);
    const m = major << 5;
    const b = this.buf;
    if (arg < 24) {
      b[this.at++] = m | arg;
    } else if (arg < 0x100) {
      b[this.at++] = m | 24;
      b[this.at++] = arg;
    } else if (arg < 0x10000) {
      b[this.at++] = m | 25;
      b.writeUInt16BE(arg, this.at);
      this.at += 2;
    } else if (arg < 0x100000000) {
      b[this.at++] = m | 26;
      b.writeUInt32BE(arg, this.at);
      this.at += 4;
    } else {
      b[this.at++] = m | 27;
      b.writeUInt32BE(Math.floor(arg / 0x100000000), this.at);
      b.writeUInt32BE(arg >>> 0, this.at + 4);
      this.at += 8;
    }
  }

  text(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.head(3, n);
    this.room(n);
    this.buf.write(s, this.at, n, 'utf8');
    this.at += n;
  }

  bytes(v: Uint8Array): void {
    this.head(2, v.length);
    this.room(v.length);
    this.buf.set(v, this.at);
    this.at += v.length;
  }
}

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/** Keys in the order of their encodings: UTF-8 length first, then the bytes. */
function sortedKeys(keys: string[]): string[] {
  if (keys.length < 2) return keys;
  if (keys.every((k) => ASCII.test(k))) {
    return keys.sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  }
  const enc = new Map(keys.map((k) => [k, Buffer.from(k, 'utf8')]));
  return keys.sort((a, b) => {
    const x = enc.get(a) as Buffer;
    const y = enc.get(b) as Buffer;
    return x.length - y.length || Buffer.compare(x, y);
  });
}

function write(out: Out, v: unknown): void {
  if (v === null) {
    out.room(1);
    out.buf[out.at++] = 0xf6;
  } else if (v === false || v === true) {
    out.room(1);
    out.buf[out.at++] = v ? 0xf5 : 0xf4;
  } else if (typeof v === 'number') {
    if (v >= 0) out.head(0, v);
    else out.head(1, -1 - v);
  } else if (typeof v === 'string') {
    out.text(v);
  } else if (v instanceof Uint8Array) {
    out.bytes(v);
  } else if (Array.isArray(v)) {
    out.head(4, v.length);
    for (const x of v) write(out, x);
  } else {
    const o = v as Record<string, unknown>;
    const keys = sortedKeys(Object.keys(o));
    out.head(5, keys.length);
    for (const k of keys) {
      out.text(k);
      write(out, o[k]);
    }
  }
}

/** The deterministic encoding of a value already checked against the model. */
export function writeCanonicalCbor(value: unknown): Uint8Array {
  const out = new Out();
  write(out, value);
  // A copy of the used part, so callers do not hold the (larger) working buffer.
  return new Uint8Array(out.buf.subarray(0, out.at));
}
