// Keyboard and two-switch step scanning over the whole screen. The highlight IS the focus, so
// the focus ring, speech and assistive technology all follow one cursor.
import { useEffect } from 'react';
import { anchorOf, scanOrder } from './dom.js';
import { commandFor, DEFAULT_KEY_MAP, scanStep, type SwitchKeyMap } from './switch.js';

/** Elements whose own keys (typing, arrows) must not be taken over by the scan. */
function ownsKeys(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  return el instanceof HTMLInputElement && !['button', 'checkbox', 'radio'].includes(el.type);
}

export function SwitchNavigation({
  keyMap = DEFAULT_KEY_MAP,
  reducedMotion,
}: {
  keyMap?: SwitchKeyMap;
  reducedMotion: boolean;
}) {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const command = commandFor(e, keyMap);
      if (command === null || ownsKeys(e.target)) return;
      // Ours now: no native Space/Enter click, no native Tab out of the page.
      e.preventDefault();
      e.stopPropagation();
      // A held switch steps once; auto-repeat would race the highlight past the target.
      if (e.repeat) return;
      const active = document.activeElement;
      if (command === 'select') {
        // Only a real control is selected; selecting "nothing" must never do anything.
        if (active instanceof HTMLElement && scanOrder().includes(active)) active.click();
        return;
      }
      const order = scanOrder();
      const i = scanStep(order.length, anchorOf(order, active), command);
      const target = i === null ? undefined : order[i];
      if (target === undefined) return;
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: 'nearest', behavior: reducedMotion ? 'auto' : 'smooth' });
    };
    // Space activates a focused button on key-up; swallow the up of every key we handled.
    const onKeyUp = (e: KeyboardEvent) => {
      if (commandFor(e, keyMap) !== null && !ownsKeys(e.target)) e.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown, true);
    document.addEventListener('keyup', onKeyUp, true);
    return () => {
      document.removeEventListener('keydown', onKeyDown, true);
      document.removeEventListener('keyup', onKeyUp, true);
    };
  }, [keyMap, reducedMotion]);
  return null;
}
