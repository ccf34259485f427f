// Every error a staff RPC can answer has a plain sentence in be, ru and en: checked against
// the schema's own enum at run time (the mapped type checks it at compile time), translated,
// and free of the host's technical codes, which go to the technician's detail line only.
import { describe, expect, it } from 'vitest';
import { RpcErrorSchema } from '../../../src/main/rpc/schema.js';
import { ERROR_TEXT, errorLine, said } from '../../../src/renderer/staff/error-text.js';
import { staffT } from '../../../src/renderer/staff/i18n/index.js';

const KINDS = RpcErrorSchema.shape.kind.options;
const LANGUAGES = ['be', 'ru', 'en'] as const;
// Errno codes, a placeholder left unfilled, a catalogue key or the host's own wording.
const TECHNICAL =
  /\b(ENOENT|ENOTDIR|EROFS|EACCES|EPERM|ENODEV|ENXIO|EIO|ENOSPC|EDQUOT)\b|\{\{|error\.|writing/;

describe('staff error sentences', () => {
  it('covers exactly the kinds of the schema', () => {
    expect(Object.keys(ERROR_TEXT).sort()).toEqual([...KINDS].sort());
    expect(KINDS).toContain('export-no-drive');
    expect(KINDS).toContain('export-drive-full');
  });

  for (const language of LANGUAGES) {
    it(`gives every kind a plain, non-empty sentence in ${language}`, () => {
      const t = staffT(language);
      for (const kind of KINDS) {
        const text = errorLine({ kind, message: 'writing x.json: EROFS' }).show(t).text;
        expect(text.trim().length, kind).toBeGreaterThan(5);
        expect(text, kind).not.toMatch(TECHNICAL);
        if (language !== 'en') expect(text, kind).not.toBe(staffT('en')(ERROR_TEXT[kind]));
      }
    });
  }

  it('tells a missing drive, a full drive and a failed export apart in every language', () => {
    for (const language of LANGUAGES) {
      const t = staffT(language);
      const [noDrive, full, failed] = (
        ['export-no-drive', 'export-drive-full', 'export-failed'] as const
      ).map((kind) => errorLine({ kind, message: '' }).show(t).text);
      expect(new Set([noDrive, full, failed]).size, language).toBe(3);
      expect(noDrive, language).toContain('VECHE-EXPORT');
    }
    expect(errorLine({ kind: 'export-drive-full', message: '' }).show(staffT('en')).text).toMatch(
      /^The drive is full\./,
    );
  });

  it('a line already on screen follows a language switch', () => {
    const line = errorLine({ kind: 'export-drive-full', message: 'ENOSPC' });
    const shown = LANGUAGES.map((language) => line.show(staffT(language)).text);
    expect(new Set(shown).size).toBe(3);
    expect(shown[2]).toMatch(/^The drive is full\./);
    const ok = said((t) => t('reconcile.resubmitted', { n: 3 }));
    expect(ok.show(staffT('en')).text).not.toBe(ok.show(staffT('ru')).text);
    expect(ok.show(staffT('en')).text).toContain('3');
  });

  it('keeps the technical kind and message for the detail line', () => {
    const line = errorLine({ kind: 'export-no-drive', message: 'writing a: EROFS' }).show(
      staffT('be'),
    );
    expect(line.detail).toBe('export-no-drive: writing a: EROFS');
    expect(line.text).toContain('Устаўце USB-назапашвальнік VECHE-EXPORT');
  });
});
