// The button every voter-facing control is built from: at least 72×72 CSS px, activated by a
// touch that starts and ends on it (see press.ts), by Enter/Space, by a switch's select, or
// by assistive technology. Extra props (aria-*, data-*, id, lang, className) pass through.
import { useRef, type ButtonHTMLAttributes, type PointerEvent, type Ref } from 'react';
import { IDLE, isInside, press, type PressEvent, type PressState } from './press.js';

type Native = ButtonHTMLAttributes<HTMLButtonElement>;

export interface TouchTargetProps extends Omit<
  Native,
  'onClick' | 'onPointerDown' | 'onPointerUp' | 'onPointerCancel' | 'type' | 'aria-pressed'
> {
  /** Called once per deliberate activation. */
  onActivate: () => void;
  /** A toggle / one-of-several choice: sets aria-pressed (and the selected look). */
  pressed?: boolean;
  /** 'primary' for the one main action of a screen. */
  variant?: 'default' | 'primary';
  ref?: Ref<HTMLButtonElement>;
}

export function TouchTarget({
  onActivate,
  pressed,
  variant = 'default',
  className,
  children,
  ...rest
}: TouchTargetProps) {
  const state = useRef<PressState>(IDLE);
  const feed = (event: PressEvent) => {
    const next = press(state.current, event);
    state.current = next.state;
    if (next.activate) onActivate();
  };
  const onPointerDown = (e: PointerEvent<HTMLButtonElement>) => {
    feed({ type: 'down', pointerId: e.pointerId, isPrimary: e.isPrimary, button: e.button });
    // Keep receiving this pointer's events even if it leaves, so the up is judged here.
    if (state.current.kind === 'pressed') e.currentTarget.setPointerCapture?.(e.pointerId);
  };
  const onPointerUp = (e: PointerEvent<HTMLButtonElement>) =>
    feed({
      type: 'up',
      pointerId: e.pointerId,
      inside: isInside(e.currentTarget.getBoundingClientRect(), e.clientX, e.clientY),
    });
  const onPointerCancel = (e: PointerEvent<HTMLButtonElement>) =>
    feed({ type: 'cancel', pointerId: e.pointerId });

  return (
    <button
      {...rest}
      type="button"
      className={['touch-target', variant === 'primary' ? 'primary' : '', className ?? '']
        .filter(Boolean)
        .join(' ')}
      aria-pressed={pressed}
      onPointerDown={onPointerDown}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerCancel}
      onClick={(e) => feed({ type: 'click', detail: e.detail })}
    >
      {children}
    </button>
  );
}
