import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { THEMES } from '../../../src/renderer/a11y/settings.js';
import {
  contrastRatio,
  nonTextPairs,
  parseHex,
  relativeLuminance,
  textPairs,
  THEME_TOKENS,
  themeVariables,
} from '../../../src/renderer/a11y/themes.js';

describe('contrast arithmetic', () => {
  it('matches WCAG reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    // #767676 is the lightest grey that passes 4.5:1 on white; #777777 just fails.
    expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
    expect(relativeLuminance('#fff')).toBeCloseTo(1, 5);
    expect(parseHex('#0b57d0')).toEqual([11, 87, 208]);
    expect(() => parseHex('red')).toThrow();
  });
});

describe('themes', () => {
  for (const theme of THEMES) {
    const tokens = THEME_TOKENS[theme];
    it(`${theme}: every text colour meets AAA (7:1) on every background it is drawn on`, () => {
      const weak = textPairs(tokens)
        .map(([what, fg, bg]) => [what, contrastRatio(fg, bg).toFixed(2)] as const)
        .filter(([, r]) => Number(r) < 7);
      expect(weak).toEqual([]);
    });
    it(`${theme}: focus ring and borders meet 3:1 against their surroundings`, () => {
      const weak = nonTextPairs(tokens)
        .map(([what, a, b]) => [what, contrastRatio(a, b).toFixed(2)] as const)
        .filter(([, r]) => Number(r) < 3);
      expect(weak).toEqual([]);
    });
  }

  it('high-contrast themes reach at least 15:1 for body text', () => {
    for (const theme of ['contrast-dark', 'contrast-light'] as const) {
      const t = THEME_TOKENS[theme];
      expect(contrastRatio(t.fg, t.bg)).toBeGreaterThanOrEqual(15);
    }
  });

  it('set every colour variable the style sheets use, and nothing the defaults lack', () => {
    const css = ['src/renderer/styles.css', 'src/renderer/ui/ui.css']
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const used = new Set([...css.matchAll(/var\((--[\w-]+)\)/g)].map((m) => m[1]));
    const rootBlock = /:root\s*{([^}]*)}/.exec(
      readFileSync('src/renderer/styles.css', 'utf8'),
    )?.[1];
    const defaults = new Set([...(rootBlock ?? '').matchAll(/(--[\w-]+):/g)].map((m) => m[1]));
    for (const theme of THEMES) {
      const vars = Object.keys(themeVariables(theme));
      // Each theme variable has a fallback before the first render...
      for (const v of vars) expect(defaults.has(v), v).toBe(true);
      // ...and every variable the CSS reads is either themed or a non-colour constant.
      for (const v of used) {
        if (v === undefined) continue;
        expect(vars.includes(v) || v === '--target', `${theme} ${v}`).toBe(true);
      }
    }
  });
});
