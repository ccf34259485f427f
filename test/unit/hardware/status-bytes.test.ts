import { describe, expect, it } from 'vitest';
import {
  asbBytes,
  PrinterReplyParser,
  realtimeByte,
  statusFromAsb,
  statusFromRealtime,
} from '../../../src/hardware/printer/status-bytes.js';
import type { PrinterStatus } from '../../../src/hardware/types.js';

const all: PrinterStatus[] = [];
for (let m = 0; m < 16; m++) {
  const s = {
    coverOpen: !!(m & 1),
    paperNearEnd: !!(m & 2),
    paperOut: !!(m & 4),
    error: !!(m & 8),
  };
  all.push({ ...s, online: !(s.coverOpen || s.paperOut || s.error) });
}

describe('printer status bytes', () => {
  it('DLE EOT answers and ASB blocks round-trip every status', () => {
    for (const s of all) {
      const [b1, b2, b3, b4] = [1, 2, 3, 4].map((n) => realtimeByte(n, s)) as [
        number,
        number,
        number,
        number,
      ];
      expect(statusFromRealtime(b1, b2, b3, b4)).toEqual(s);
      expect(statusFromAsb(asbBytes(s))).toEqual(s);
    }
  });

  it('the reply stream separates answers by their fixed bits, whatever the chunking', () => {
    const s = all[5] as PrinterStatus;
    const stream = [
      realtimeByte(1, s),
      ...asbBytes(s),
      0x37,
      0x22,
      0x31,
      0x32,
      0x33,
      0x34,
      0x00,
      realtimeByte(4, s),
      0x37,
      0x25,
      0x00,
    ];
    for (let cut = 0; cut <= stream.length; cut++) {
      const p = new PrinterReplyParser();
      expect([...p.push(stream.slice(0, cut)), ...p.push(stream.slice(cut))]).toEqual([
        { kind: 'realtime', byte: realtimeByte(1, s) },
        { kind: 'asb', bytes: asbBytes(s) },
        { kind: 'process-id', id: [0x31, 0x32, 0x33, 0x34] },
        { kind: 'realtime', byte: realtimeByte(4, s) },
        { kind: 'buffer-cleared' },
      ]);
    }
  });

  it('garbage is reported byte by byte and the parser resynchronises', () => {
    const p = new PrinterReplyParser();
    expect(p.push([0xff, 0x10, 0x00, 0xff, 0x12])).toEqual([
      { kind: 'unknown', bytes: [0xff] },
      { kind: 'unknown', bytes: [0x10] },
      { kind: 'unknown', bytes: [0x00] },
      { kind: 'unknown', bytes: [0xff] },
      { kind: 'realtime', byte: 0x12 },
    ]);
  });
});
