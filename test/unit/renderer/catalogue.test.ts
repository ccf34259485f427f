// The settings panel builds some keys at run time (a11y.theme.<theme>, a11y.textSize.<size>):
// each must exist, translated, in every catalogue.
import { describe, expect, it } from 'vitest';
import { TEXT_SIZES, THEMES } from '../../../src/renderer/a11y/settings.js';
import { catalogues } from '../../../src/renderer/i18n/index.js';

describe('accessibility strings', () => {
  for (const [language, cat] of Object.entries(catalogues)) {
    it(`${language} labels every text size and theme`, () => {
      for (const size of TEXT_SIZES) expect(cat.a11y.textSize[size], size).toMatch(/\S/);
      for (const theme of THEMES) expect(cat.a11y.theme[theme], theme).toMatch(/\S/);
    });
  }
  it('text sizes and themes have distinct labels within a language', () => {
    for (const cat of Object.values(catalogues)) {
      expect(new Set(TEXT_SIZES.map((s) => cat.a11y.textSize[s])).size).toBe(TEXT_SIZES.length);
      expect(new Set(THEMES.map((t) => cat.a11y.theme[t])).size).toBe(THEMES.length);
    }
  });
});
