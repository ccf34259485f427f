// Two-switch step scanning and keyboard navigation as pure functions: which command a key is,
// and where the highlight goes next. The DOM side (SwitchNavigation.tsx) only feeds these.
//
// Common practice for two-switch step scanning: switch 1 moves the highlight to the next item,
// switch 2 selects the highlighted item. Most USB switch interfaces ship sending Space for
// switch 1 and Enter for switch 2, so those are the defaults; Tab / Shift+Tab and the arrow
// keys also move, so a plain keyboard works the same way.

export type SwitchCommand = 'next' | 'previous' | 'select';

/** Key names as in KeyboardEvent.key, with 'Space' for ' ' and an optional 'Shift+' prefix. */
export interface SwitchKeyMap {
  next: readonly string[];
  previous: readonly string[];
  select: readonly string[];
}

export const DEFAULT_KEY_MAP: Readonly<SwitchKeyMap> = Object.freeze({
  next: ['Space', 'Tab', 'ArrowDown', 'ArrowRight'],
  previous: ['Shift+Tab', 'Shift+Space', 'ArrowUp', 'ArrowLeft'],
  select: ['Enter'],
});

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

/** The key map's name for a key event ('Space', 'Shift+Tab', 'Enter', …). */
export function keyName(e: KeyLike): string {
  const base = e.key === ' ' || e.key === 'Spacebar' ? 'Space' : e.key;
  return e.shiftKey && base !== 'Shift' ? `Shift+${base}` : base;
}

export function commandFor(e: KeyLike, map: SwitchKeyMap = DEFAULT_KEY_MAP): SwitchCommand | null {
  // Chords with Ctrl/Alt/Meta belong to the system (and to staff), never to the voter's scan.
  if (e.altKey || e.ctrlKey || e.metaKey) return null;
  const name = keyName(e);
  for (const command of ['select', 'previous', 'next'] as const) {
    if (map[command].includes(name)) return command;
  }
  return null;
}

/**
 * Where the highlight is relative to the scan order:
 * - `at`: on item `index`;
 * - `before`: on something outside the order (a heading, the main region) that sits just
 *   before item `index` in the document (`index === count` when it is after every item);
 * - `none`: nowhere (nothing focused yet).
 */
export type ScanAnchor =
  { kind: 'at'; index: number } | { kind: 'before'; index: number } | { kind: 'none' };

/** The index the highlight moves to, wrapping at both ends; null when there is nothing. */
export function scanStep(
  count: number,
  anchor: ScanAnchor,
  command: 'next' | 'previous',
): number | null {
  if (count <= 0) return null;
  const wrap = (i: number) => ((i % count) + count) % count;
  switch (anchor.kind) {
    case 'none':
      return command === 'next' ? 0 : count - 1;
    case 'at':
      return wrap(anchor.index + (command === 'next' ? 1 : -1));
    case 'before':
      return wrap(command === 'next' ? anchor.index : anchor.index - 1);
  }
}

/** Parses a comma-separated key list ("Space, Enter") from configuration. */
export function parseKeyList(text: string): string[] {
  return text
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
}
