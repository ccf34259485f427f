import { describe, expect, it } from 'vitest';
import { be } from '../../../src/renderer/i18n/be.js';
import { en } from '../../../src/renderer/i18n/en.js';
import { ru } from '../../../src/renderer/i18n/ru.js';

type Tree = { [k: string]: string | Tree };

function leaves(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  const ref = leaves(en as Tree);
  for (const [name, cat] of Object.entries({ be, ru })) {
    it(`${name} has exactly the English keys, none empty, same placeholders`, () => {
      const mine = leaves(cat as Tree);
      expect([...mine.keys()].sort()).toEqual([...ref.keys()].sort());
      for (const [k, v] of mine) {
        expect(v.trim(), k).not.toBe('');
        expect(placeholders(v), k).toEqual(placeholders(ref.get(k) ?? ''));
      }
    });
  }
  it('Belarusian and Russian are actually translated (not English copies)', () => {
    const b = leaves(be as Tree);
    const r = leaves(ru as Tree);
    // A string of only placeholders, digits and punctuation ("{{label}}: {{percent}} %") is
    // the same in every language; anything with words must differ.
    const hasWords = (v: string) => /\p{L}/u.test(v.replace(/\{\{[^}]*\}\}/g, ''));
    const copied = [...ref].filter(
      ([k, v]) => !k.startsWith('language.') && hasWords(v) && (b.get(k) === v || r.get(k) === v),
    );
    expect(copied).toEqual([]);
  });
});
