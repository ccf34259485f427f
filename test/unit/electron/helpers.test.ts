import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/main/electron/backoff.js';
import { errorPageUrl, isErrorPageUrl } from '../../../src/main/electron/error-page.js';
import { pageUrl, parseHostReady } from '../../../src/main/electron/host-ready.js';
import { isHostPage, isHostRequest, originForLog } from '../../../src/main/electron/origin-pin.js';

describe('parseHostReady', () => {
  const msg = (origin: string, token = 'abcdefghijklmnop') => ({
    type: 'veche-host-ready',
    origin,
    token,
  });

  it('accepts a loopback http origin with a port and a URL-safe token', () => {
    expect(parseHostReady(msg('http://127.0.0.1:1'))).toEqual({
      ok: true,
      value: { origin: 'http://127.0.0.1:1', token: 'abcdefghijklmnop' },
    });
    expect(parseHostReady(msg('http://127.0.0.1:65535')).ok).toBe(true);
  });

  it('refuses ports out of range and anything but 127.0.0.1 over http', () => {
    for (const origin of [
      'http://127.0.0.1:65536',
      'http://127.0.0.1:99999',
      'http://127.0.0.1:0',
      'http://127.0.0.1',
      'http://127.0.0.2:80',
      'http://[::1]:80',
      'http://127.0.0.1.evil.example:80',
      'file:///tmp',
    ]) {
      expect(parseHostReady(msg(origin)).ok, origin).toBe(false);
    }
  });

  it('builds the page URL with the token in the fragment only', () => {
    const url = new URL(
      pageUrl({ origin: 'http://127.0.0.1:8080', token: 'tok_0123456789abcdef' }),
    );
    expect(url.pathname).toBe('/');
    expect(url.search).toBe('');
    expect(url.hash).toBe('#token=tok_0123456789abcdef');
  });
});

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    const b = { baseMs: 1_000, maxMs: 30_000 };
    expect([0, 1, 2, 3, 4, 5, 6, 100].map((n) => backoffDelay(b, n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});

describe('origin pin', () => {
  const o = 'http://127.0.0.1:4000';
  it('matches pages on exactly the origin', () => {
    expect(isHostPage('http://127.0.0.1:4000/a?b#c', o)).toBe(true);
    expect(isHostPage('http://127.0.0.1:4001/', o)).toBe(false);
    expect(isHostPage('ws://127.0.0.1:4000/', o)).toBe(false);
    expect(isHostPage('not a url', o)).toBe(false);
    expect(isHostPage('http://127.0.0.1:4000/', undefined)).toBe(false);
  });
  it('matches http and ws requests to the same host and port', () => {
    expect(isHostRequest('ws://127.0.0.1:4000/events', o)).toBe(true);
    expect(isHostRequest('wss://127.0.0.1:4000/events', o)).toBe(false);
    expect(isHostRequest('https://127.0.0.1:4000/', o)).toBe(false);
  });
  it('logs only the origin of a URL', () => {
    expect(originForLog('http://127.0.0.1:4000/#token=secret')).toBe('http://127.0.0.1:4000');
    expect(originForLog('data:text/html,secret')).toBe('data:');
  });
});

describe('error page', () => {
  it('is a script-free data URL in three languages', () => {
    const url = errorPageUrl('restarting');
    expect(isErrorPageUrl(url)).toBe(true);
    const html = decodeURIComponent(url.slice(url.indexOf(',') + 1));
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('The kiosk is restarting');
    expect(html).toContain('Киоск перезапускается');
    expect(html).toContain('Кіёск перазапускаецца');
  });
});
