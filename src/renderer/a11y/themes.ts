// Colour themes as data. The provider writes these tokens into CSS custom properties, and the
// unit tests compute WCAG contrast ratios from the very same objects, so what is tested is
// what is shown.
import type { ThemeName } from './settings.js';

export interface ThemeTokens {
  /** Page background. */
  bg: string;
  /** Body text and button borders. */
  fg: string;
  /** Headings of error screens, the top bar rule, the card slot. */
  accent: string;
  /** Secondary text (notes). */
  muted: string;
  /** Top bar, panel and button background. */
  panel: string;
  /** The focus / scanning ring. */
  focus: string;
  /** Pressed (selected) buttons: inverted colours. */
  pressedBg: string;
  pressedFg: string;
  /** Status banners. */
  bannerBg: string;
  bannerFg: string;
  bannerBorder: string;
}

export const THEME_TOKENS: Record<ThemeName, ThemeTokens> = {
  standard: {
    bg: '#f7f5f0',
    fg: '#1a1a1a',
    accent: '#7a1f1f',
    muted: '#4a4a4a',
    panel: '#ffffff',
    focus: '#0b57d0',
    pressedBg: '#1a1a1a',
    pressedFg: '#ffffff',
    bannerBg: '#fff3cd',
    bannerFg: '#1a1a1a',
    bannerBorder: '#8a6d00',
  },
  'contrast-dark': {
    bg: '#000000',
    fg: '#ffffff',
    accent: '#ffd700',
    muted: '#e6e6e6',
    panel: '#000000',
    focus: '#00e5ff',
    pressedBg: '#ffff00',
    pressedFg: '#000000',
    bannerBg: '#000000',
    bannerFg: '#ffff00',
    bannerBorder: '#ffff00',
  },
  'contrast-light': {
    bg: '#ffffff',
    fg: '#000000',
    accent: '#6b0000',
    muted: '#222222',
    panel: '#ffffff',
    focus: '#0033cc',
    pressedBg: '#000000',
    pressedFg: '#ffffff',
    bannerBg: '#ffffff',
    bannerFg: '#000000',
    bannerBorder: '#000000',
  },
};

/** The CSS custom properties for a theme (names match styles.css). */
export function themeVariables(theme: ThemeName): Record<string, string> {
  const t = THEME_TOKENS[theme];
  return {
    '--bg': t.bg,
    '--fg': t.fg,
    '--accent': t.accent,
    '--muted': t.muted,
    '--panel': t.panel,
    '--focus': t.focus,
    '--pressed-bg': t.pressedBg,
    '--pressed-fg': t.pressedFg,
    '--banner-bg': t.bannerBg,
    '--banner-fg': t.bannerFg,
    '--banner-border': t.bannerBorder,
  };
}

/** Parses #rgb or #rrggbb. */
export function parseHex(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex);
  if (m?.[1] === undefined) throw new Error(`not a hex colour: ${hex}`);
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG 2.x relative luminance. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.x contrast ratio, 1..21. */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Every text colour drawn on every background it can appear on, per theme. */
export function textPairs(t: ThemeTokens): [string, string, string][] {
  return [
    ['text on page', t.fg, t.bg],
    ['text on panel', t.fg, t.panel],
    ['notes on page', t.muted, t.bg],
    ['notes on panel', t.muted, t.panel],
    ['accent on page', t.accent, t.bg],
    ['accent on panel', t.accent, t.panel],
    ['pressed button', t.pressedFg, t.pressedBg],
    ['banner', t.bannerFg, t.bannerBg],
  ];
}

/** Non-text colours that must be seen against what surrounds them (WCAG 1.4.11: 3:1). */
export function nonTextPairs(t: ThemeTokens): [string, string, string][] {
  return [
    ['focus ring on page', t.focus, t.bg],
    ['focus ring on panel', t.focus, t.panel],
    ['button border on panel', t.fg, t.panel],
    ['banner border on page', t.bannerBorder, t.bg],
  ];
}
