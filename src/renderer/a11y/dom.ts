// The few DOM reads the navigator and the guidance need: the scan order and a control's name.
import type { ScanAnchor } from './switch.js';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Controls in document order, skipping hidden and inert ones: the scan order. */
export function scanOrder(root: ParentNode = document): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) =>
      el.getClientRects().length > 0 &&
      el.closest('[inert], [aria-hidden="true"]') === null &&
      // The skip link is off screen until focused but is part of the order on purpose.
      (el.checkVisibility?.({ visibilityProperty: true }) ?? true),
  );
}

/** Where `active` sits relative to `order` (see ScanAnchor). */
export function anchorOf(order: readonly Element[], active: Element | null): ScanAnchor {
  if (active === null || active === document.body || active === document.documentElement) {
    return { kind: 'none' };
  }
  const at = order.indexOf(active);
  if (at >= 0) return { kind: 'at', index: at };
  const after = order.findIndex(
    (el) => (active.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
  );
  return { kind: 'before', index: after < 0 ? order.length : after };
}

/** Text, pressed/expanded parts of an element's accessible name, for speech. */
export function describeElement(el: Element): {
  group: string | null;
  name: string;
  pressed: boolean | null;
  expanded: boolean | null;
} {
  const byIds = (ids: string | null) =>
    (ids ?? '')
      .split(/\s+/)
      .map((id) => (id === '' ? '' : (document.getElementById(id)?.textContent ?? '')))
      .join(' ')
      .trim();
  const name =
    el.getAttribute('aria-label') ??
    (byIds(el.getAttribute('aria-labelledby')) || (el.textContent ?? ''));
  const group = el.parentElement?.closest('[role="group"], fieldset');
  const groupName =
    group === null || group === undefined
      ? null
      : (group.getAttribute('aria-label') ?? byIds(group.getAttribute('aria-labelledby')));
  const bool = (a: string) => {
    const v = el.getAttribute(a);
    return v === null ? null : v === 'true';
  };
  return { group: groupName, name, pressed: bool('aria-pressed'), expanded: bool('aria-expanded') };
}
