import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEscPos, EscPosDecoder } from '../../../src/hardware/escpos/decoder.js';

const b = (...parts: Array<number[] | string>) =>
  Uint8Array.from(
    parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)),
  );
const CP = { codepages: { 17: 'cp866' } };

describe('ESC/POS decoder', () => {
  it('styles: ESC E, ESC !, GS !, and alignment', () => {
    const { lines, unknown } = decodeEscPos(
      b(
        [0x1b, 0x40],
        [0x1b, 0x45, 1],
        'Bold',
        [0x1b, 0x45, 0],
        '\n',
        [0x1b, 0x21, 0x38],
        'Big',
        [0x1b, 0x21, 0],
        '\n',
        [0x1d, 0x21, 0x11],
        'x2',
        [0x1d, 0x21, 0x00],
        ' y\n',
        [0x1b, 0x61, 2],
        'right\n',
      ),
    );
    expect(unknown).toEqual([]);
    expect(lines).toEqual([
      { text: 'Bold', bold: true, size: 1, align: 'left' },
      { text: 'Big', bold: true, size: 2, align: 'left' },
      { text: 'x2 y', bold: false, size: 2, align: 'left' },
      { text: 'right', bold: false, size: 1, align: 'right' },
    ]);
  });

  it('applies the code page chosen by ESC t through the printer table', () => {
    const privet = [0x8f, 0xe0, 0xa8, 0xa2, 0xa5, 0xe2];
    expect(decodeEscPos(b([0x1b, 0x74, 17], privet, '\n'), CP).lines[0]?.text).toBe('Привет');
    // Same bytes without the code page are CP437 box drawing, and an unknown table is reported.
    expect(decodeEscPos(b(privet, '\n'), CP).lines[0]?.text).not.toBe('Привет');
    expect(decodeEscPos(b([0x1b, 0x74, 7], privet, '\n'), CP).unknown[0]?.detail).toMatch(
      /code page 7/,
    );
  });

  it('QR store + print, cuts in all forms, feeds', () => {
    const data = 'https://veche.example/r/1';
    const store = [
      0x1d,
      0x28,
      0x6b,
      (data.length + 3) & 0xff,
      0,
      0x31,
      0x50,
      0x30,
      ...Buffer.from(data),
    ];
    const { lines, unknown } = decodeEscPos(
      b(
        [0x1d, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0],
        store,
        [0x1d, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30],
        [0x1b, 0x64, 2],
        [0x1d, 0x56, 0],
        [0x1d, 0x56, 66, 3],
        [0x1b, 0x69],
      ),
    );
    expect(unknown).toEqual([]);
    expect(lines.map((l) => (l.qr ? `qr:${l.qr}` : l.cut ? 'cut' : `[${l.text}]`))).toEqual([
      `qr:${data}`,
      '[]',
      '[]',
      'cut',
      'cut',
      'cut',
    ]);
  });

  it('unknown bytes are reported with their offset and decoding goes on', () => {
    const { lines, unknown } = decodeEscPos(
      b(
        'a',
        [0x07],
        'b',
        [0x1b, 0xff],
        'c\n',
        [0x1d, 0x56, 9],
        [0x1d, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30],
      ),
    );
    expect(lines[0]?.text).toBe('abc');
    expect(unknown.map((u) => [u.offset, u.detail])).toEqual([
      [1, 'control byte 0x07'],
      [3, 'unknown command ESC 0xff'],
      [7, 'cut mode 9'],
      [10, 'QR print with no stored data'],
    ]);
  });

  it('a command cut short at the end is reported as truncated, text without LF still shows', () => {
    const { lines, unknown } = decodeEscPos(b('tail', [0x1d, 0x28, 0x6b, 0x10, 0x00, 0x31]));
    expect(lines).toEqual([{ text: 'tail', bold: false, size: 1, align: 'left' }]);
    expect(unknown).toMatchObject([{ detail: 'truncated command', offset: 4 }]);
  });

  it('a huge length-prefixed command fed byte by byte is linear, not quadratic', () => {
    const d = new EscPosDecoder();
    const header = [0x1d, 0x28, 0x41, 0xff, 0xff];
    const t0 = performance.now();
    for (const x of header) d.push([x]);
    for (let i = 0; i < 0xffff; i++) d.push([0x41]);
    const events = [...d.push(b('ok\n')), ...d.finish()];
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(
      events.filter((e) => e.kind === 'line').map((e) => (e.kind === 'line' ? e.line.text : '')),
    ).toEqual(['ok']);
  });

  it('any chunking of the input decodes to the same events', () => {
    const sample = b(
      [0x1b, 0x40, 0x1b, 0x74, 17, 0x1b, 0x45, 1],
      [0x8f, 0xe0],
      '\n',
      [
        0x1d, 0x28, 0x6b, 6, 0, 0x31, 0x50, 0x30, 0x41, 0x42, 0x43, 0x1d, 0x28, 0x6b, 3, 0, 0x31,
        0x51, 0x30, 0x1d, 0x56, 0x42, 0x00,
      ],
    );
    const whole = decodeEscPos(sample, CP).events;
    fc.assert(
      fc.property(fc.array(fc.nat(sample.length), { maxLength: 6 }), (cuts) => {
        const points = [...new Set([0, ...cuts, sample.length])].sort((x, y) => x - y);
        const d = new EscPosDecoder(CP);
        const events = [];
        for (let i = 0; i + 1 < points.length; i++)
          events.push(...d.push(sample.subarray(points[i], points[i + 1])));
        events.push(...d.finish());
        expect(events).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });
});
