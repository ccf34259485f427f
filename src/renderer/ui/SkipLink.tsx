// First stop of the keyboard/switch order: jumps past the top bar to the screen itself.
// Focus moves in script (no #fragment navigation: the URL fragment carries the boot token).
import type { MouseEvent } from 'react';

export function SkipLink({ targetId, label }: { targetId: string; label: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    const target = document.getElementById(targetId);
    if (target === null) return;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
  };
  return (
    <a className="skip-link" href={`#${targetId}`} onClick={onClick} data-testid="skip-link">
      {label}
    </a>
  );
}
