// The idle warning: the host ends an idle voter's session (card left in, voter gone) and says
// when in `idleWarningUntil`; the screen counts down and offers one big "I'm still here".
// Any voter interaction also tells the host (session.touch), throttled, so a voter who is
// reading or marking is never warned.
import type { TFunction } from 'i18next';
import { useEffect, useRef, useState } from 'react';
import { call } from '../lib/rpc.js';
import { TouchTarget } from '../ui/TouchTarget.js';

/** At most one session.touch per this many ms from ordinary interaction. */
export const TOUCH_THROTTLE_MS = 5000;

/** Reports the voter's presence to the host while `active`, at most once per throttle. */
export function usePresence(active: boolean, now: () => number = Date.now): void {
  const last = useRef(0);
  useEffect(() => {
    if (!active) return;
    const onInput = () => {
      const t = now();
      if (t - last.current < TOUCH_THROTTLE_MS) return;
      last.current = t;
      void call('session.touch', {});
    };
    document.addEventListener('pointerdown', onInput, true);
    document.addEventListener('keydown', onInput, true);
    return () => {
      document.removeEventListener('pointerdown', onInput, true);
      document.removeEventListener('keydown', onInput, true);
    };
  }, [active, now]);
}

export function IdleWarning(p: { until: number; t: TFunction; now?: () => number }) {
  const now = p.now ?? Date.now;
  // Re-render four times a second; the seconds left are read from the deadline each time, so
  // a late timer never makes the countdown drift from the host's.
  const [, setTick] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const id = setInterval(() => setTick((x) => x + 1), 250);
    return () => clearInterval(id);
  }, []);
  const seconds = Math.max(0, Math.ceil((p.until - now()) / 1000));
  useEffect(() => {
    button.current?.focus();
  }, []);
  return (
    <div className="idle-overlay">
      <section
        className="idle-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="idle-title"
        aria-describedby="idle-lead"
        data-screen="idle"
      >
        <h2 id="idle-title">{p.t('vote.idle.title')}</h2>
        <p id="idle-lead" className="lead" aria-live="polite">
          {p.t('vote.idle.lead', { seconds })}
        </p>
        {/* The group names the button with the warning, so audio guidance, which speaks the
            focused control with its group, reads the warning along with it. */}
        <div role="group" aria-labelledby="idle-title idle-lead">
          <TouchTarget
            ref={button}
            variant="primary"
            data-testid="still-here"
            onActivate={() => void call('session.touch', {})}
          >
            {p.t('vote.idle.stay')}
          </TouchTarget>
        </div>
      </section>
    </div>
  );
}
