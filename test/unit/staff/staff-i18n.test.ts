// The staff screens' catalogues: every key translated (not an English copy, except strings
// that are only numbers and placeholders), with the same placeholders in every language.
import { describe, expect, it } from 'vitest';
import { be } from '../../../src/renderer/staff/i18n/be.js';
import { en } from '../../../src/renderer/staff/i18n/en.js';
import { staffT } from '../../../src/renderer/staff/i18n/index.js';
import { ru } from '../../../src/renderer/staff/i18n/ru.js';

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
const onlyPlaceholders = (s: string) =>
  s.replace(/\{\{\w+\}\}/g, '').replace(/[\s×:·]/g, '') === '';

describe('staff strings', () => {
  for (const [name, cat] of [
    ['be', be],
    ['ru', ru],
  ] as const) {
    it(`${name} has every English key, translated, with the same placeholders`, () => {
      expect(Object.keys(cat).sort()).toEqual(Object.keys(en).sort());
      for (const [k, v] of Object.entries(en)) {
        const other = cat[k as keyof typeof en];
        expect(other.trim(), k).not.toBe('');
        expect(placeholders(other), k).toEqual(placeholders(v));
        if (!onlyPlaceholders(v)) expect(other, k).not.toBe(v);
      }
    });
  }

  it('fills placeholders', () => {
    expect(staffT('en')('signIn.locked', { s: 60 })).toBe(
      'Too many wrong PINs. Try again in 60 s.',
    );
    expect(staffT('be')('signIn.locked', { s: 30 })).toContain('30');
  });
});
