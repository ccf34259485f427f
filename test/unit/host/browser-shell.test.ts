import { describe, expect, it } from 'vitest';
import { chromiumArgs, findChromium, hasDisplay } from '../../../src/main/shell/browser.js';

describe('browser shell', () => {
  it('opens an app window with a fresh profile and no background networking', () => {
    const args = chromiumArgs('http://127.0.0.1:1234/#token=x', '/tmp/p', {
      kiosk: true,
      asRoot: false,
    });
    expect(args).toContain('--app=http://127.0.0.1:1234/#token=x');
    expect(args).toContain('--user-data-dir=/tmp/p');
    expect(args).toContain('--disable-background-networking');
    expect(args).toContain('--disable-component-update');
    expect(args).toContain('--kiosk');
    expect(args).not.toContain('--no-sandbox');
    expect(chromiumArgs('u', '/p', { kiosk: false, asRoot: true })).toContain('--no-sandbox');
  });

  it('honours VECHE_CHROMIUM and reports a missing binary as absent', () => {
    expect(findChromium({ VECHE_CHROMIUM: '/nonexistent/chromium' })).toBeNull();
    expect(hasDisplay({})).toBe(false);
    expect(hasDisplay({ DISPLAY: ':99' })).toBe(true);
  });
});
