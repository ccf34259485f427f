import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  commandFor,
  DEFAULT_KEY_MAP,
  keyName,
  parseKeyList,
  scanStep,
  type KeyLike,
  type SwitchKeyMap,
} from '../../../src/renderer/a11y/switch.js';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  shiftKey: false,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...mods,
});

describe('switch and keyboard commands', () => {
  it('default to switch 1 = Space (move), switch 2 = Enter (select)', () => {
    expect(commandFor(key(' '))).toBe('next');
    expect(commandFor(key('Enter'))).toBe('select');
  });

  it('let a keyboard move with Tab, Shift+Tab and the arrows', () => {
    expect(commandFor(key('Tab'))).toBe('next');
    expect(commandFor(key('Tab', { shiftKey: true }))).toBe('previous');
    expect(commandFor(key('ArrowDown'))).toBe('next');
    expect(commandFor(key('ArrowUp'))).toBe('previous');
  });

  it('leave system chords and other keys alone', () => {
    expect(commandFor(key('Tab', { ctrlKey: true }))).toBeNull();
    expect(commandFor(key('Enter', { altKey: true }))).toBeNull();
    expect(commandFor(key('a'))).toBeNull();
    expect(commandFor(key('Escape'))).toBeNull();
  });

  it('follow a configured map (an interface sending 1 and 2)', () => {
    const map: SwitchKeyMap = { next: ['1'], previous: [], select: ['2'] };
    expect(commandFor(key('1'), map)).toBe('next');
    expect(commandFor(key('2'), map)).toBe('select');
    expect(commandFor(key(' '), map)).toBeNull();
    expect(commandFor(key('Enter'), map)).toBeNull();
  });

  it('name keys the way the map spells them', () => {
    expect(keyName(key(' '))).toBe('Space');
    expect(keyName(key(' ', { shiftKey: true }))).toBe('Shift+Space');
    expect(keyName(key('Shift', { shiftKey: true }))).toBe('Shift');
    expect(parseKeyList(' Space, Enter ,,F13')).toEqual(['Space', 'Enter', 'F13']);
    // Every default binding is reachable by some event.
    for (const names of Object.values(DEFAULT_KEY_MAP)) {
      for (const n of names) {
        const shift = n.startsWith('Shift+');
        const base = shift ? n.slice(6) : n;
        expect(keyName(key(base === 'Space' ? ' ' : base, { shiftKey: shift }))).toBe(n);
      }
    }
  });
});

describe('scan steps', () => {
  it('start at the first (next) or last (previous) control', () => {
    expect(scanStep(5, { kind: 'none' }, 'next')).toBe(0);
    expect(scanStep(5, { kind: 'none' }, 'previous')).toBe(4);
    expect(scanStep(0, { kind: 'none' }, 'next')).toBeNull();
  });

  it('wrap at both ends', () => {
    expect(scanStep(3, { kind: 'at', index: 2 }, 'next')).toBe(0);
    expect(scanStep(3, { kind: 'at', index: 0 }, 'previous')).toBe(2);
  });

  it('continue from a non-control (the main region after the skip link)', () => {
    expect(scanStep(6, { kind: 'before', index: 4 }, 'next')).toBe(4);
    expect(scanStep(6, { kind: 'before', index: 4 }, 'previous')).toBe(3);
    expect(scanStep(6, { kind: 'before', index: 6 }, 'next')).toBe(0);
    expect(scanStep(6, { kind: 'before', index: 0 }, 'previous')).toBe(5);
  });

  it('visit every control exactly once per cycle, forwards and backwards', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom('next' as const, 'previous' as const),
        (count, dir) => {
          const seen: number[] = [];
          let i = scanStep(count, { kind: 'none' }, dir);
          for (let n = 0; n < count; n++) {
            if (i === null) return false;
            seen.push(i);
            i = scanStep(count, { kind: 'at', index: i }, dir);
          }
          return new Set(seen).size === count && i === seen[0];
        },
      ),
    );
  });
});
