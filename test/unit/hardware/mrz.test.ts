import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDigit, makeTd1, makeTd3 } from '../../../src/hardware/mrz/make-mrz.js';
import { parseMrz, resolveDate } from '../../../src/hardware/mrz/parse-mrz.js';
import { SAMPLE_PEOPLE } from '../../../src/hardware/sim/people.js';
import type { IdDocument } from '../../../src/hardware/types.js';

interface Vector {
  name: string;
  lines: string[];
  readAt: string;
  expect: IdDocument;
}
const vectors = (
  JSON.parse(
    readFileSync(new URL('../../vectors/mrz/icao-specimens.json', import.meta.url), 'utf8'),
  ) as { vectors: Vector[] }
).vectors;
const KIOSK_NOW = Date.UTC(2026, 10, 1);

describe('MRZ parsing against the ICAO specimens', () => {
  for (const v of vectors) {
    it(`${v.name}: every field`, () => {
      const r = parseMrz(v.lines, Date.parse(v.readAt));
      expect(r).toEqual({ ok: true, value: v.expect });
    });

    it(`${v.name}: expired when read in 2026`, () => {
      const r = parseMrz(v.lines, KIOSK_NOW);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.reason).toBe('expired');
    });

    it(`${v.name}: every changed digit is caught by a check digit`, () => {
      let changed = 0;
      v.lines.forEach((line, li) => {
        [...line].forEach((ch, ci) => {
          if (!/[0-9]/.test(ch)) return;
          const lines = [...v.lines];
          lines[li] = line.slice(0, ci) + String((Number(ch) + 1) % 10) + line.slice(ci + 1);
          const r = parseMrz(lines, Date.parse(v.readAt));
          expect(r.ok, `line ${li} col ${ci}`).toBe(false);
          if (!r.ok) expect(r.error.reason).toBe('read-badly');
          changed++;
        });
      });
      expect(changed).toBeGreaterThan(15);
    });
  }

  it('a changed letter in the document number is caught too', () => {
    const v = vectors[0] as Vector;
    const lines = [v.lines[0] ?? '', (v.lines[1] ?? '').replace('L898902C3', 'L898902D3')];
    const r = parseMrz(lines, Date.parse(v.readAt));
    expect(!r.ok && r.error.reason).toBe('read-badly');
  });

  it('the generator reproduces the ICAO TD3 specimen byte for byte', () => {
    expect(
      makeTd3({
        documentCode: 'P',
        issuingState: 'UTO',
        documentNumber: 'L898902C3',
        surname: 'ERIKSSON',
        givenNames: 'ANNA MARIA',
        nationality: 'UTO',
        birth: '740812',
        sex: 'F',
        expiry: '120415',
        optional: 'ZE184226B',
      }),
    ).toEqual(vectors[0]?.lines);
    expect(checkDigit('L898902C3')).toBe('6');
    expect(checkDigit('<<<<<<<<<')).toBe('0');
  });
});

describe('MRZ gate', () => {
  const now = KIOSK_NOW;
  it('TD2 and visas are unsupported documents; junk is a bad read', () => {
    const td2 = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];
    expect(parseMrz(td2, now)).toMatchObject({
      ok: false,
      error: { reason: 'unsupported-document' },
    });
    const visa = makeTd3({
      documentCode: 'V',
      issuingState: 'UTO',
      documentNumber: 'L898902C3',
      surname: 'A',
      givenNames: 'B',
      nationality: 'UTO',
      birth: '740812',
      sex: 'F',
      expiry: '320415',
    });
    expect(parseMrz(visa, now)).toMatchObject({
      ok: false,
      error: { reason: 'unsupported-document' },
    });
    expect(parseMrz(['HELLO'], now)).toMatchObject({ ok: false, error: { reason: 'read-badly' } });
    expect(parseMrz(['p<utoeriksson'], now)).toMatchObject({
      ok: false,
      error: { reason: 'read-badly' },
    });
    expect(parseMrz([], now)).toMatchObject({ ok: false, error: { reason: 'read-badly' } });
  });

  it('failure details name fields, never their values', () => {
    const v = vectors[0] as Vector;
    const r = parseMrz(
      [v.lines[0] ?? '', (v.lines[1] ?? '').replace('7408122', '7408132')],
      Date.parse(v.readAt),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.detail).not.toMatch(/740813|ERIKSSON|L898902C3/);
  });

  it('two-digit years resolve to the right century', () => {
    const at = new Date(KIOSK_NOW);
    expect(resolveDate('740812', 'birth', at)).toBe('1974-08-12');
    expect(resolveDate('050101', 'birth', at)).toBe('2005-01-01');
    expect(resolveDate('270101', 'birth', at)).toBe('1927-01-01');
    expect(resolveDate('320415', 'expiry', at)).toBe('2032-04-15');
    expect(resolveDate('981231', 'expiry', at)).toBe('1998-12-31');
    expect(resolveDate('990230', 'expiry', at)).toBeNull();
  });

  it('valid through the expiry day itself', () => {
    const lines = makeTd1({
      documentCode: 'ID',
      issuingState: 'BLR',
      documentNumber: 'KB0000001',
      surname: 'X',
      givenNames: 'Y',
      nationality: 'BLR',
      birth: '800101',
      sex: 'M',
      expiry: '261101',
    });
    expect(parseMrz(lines, Date.UTC(2026, 10, 1, 23, 59)).ok).toBe(true);
    expect(parseMrz(lines, Date.UTC(2026, 10, 2, 0, 1))).toMatchObject({
      ok: false,
      error: { reason: 'expired' },
    });
  });

  it('sample people: all read, except the expired one', () => {
    for (const p of SAMPLE_PEOPLE) {
      const r = parseMrz(p.mrz, now);
      if (p.id.includes('expired'))
        expect(r).toMatchObject({ ok: false, error: { reason: 'expired' } });
      else expect(r.ok, p.id).toBe(true);
    }
  });
});
