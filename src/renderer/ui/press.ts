// The touch-activation rule for TouchTarget, as a pure state machine.
//
// A target activates only when one pointer went down on it AND came up inside it. A finger
// that lands elsewhere and slides across a ballot line activates nothing; a press that starts
// here and ends outside (the voter changed their mind) activates nothing; a press the browser
// cancels (it became a vertical scroll) activates nothing. Clicks that no pointer produced —
// Enter or Space on a focused button, a switch's select, assistive technology — have
// `detail === 0` and activate directly; pointer-made clicks are ignored because the pointer
// events above already decided.

export type PressState = { kind: 'idle' } | { kind: 'pressed'; pointerId: number };

export type PressEvent =
  | { type: 'down'; pointerId: number; isPrimary: boolean; button: number }
  | { type: 'up'; pointerId: number; inside: boolean }
  | { type: 'cancel'; pointerId: number }
  | { type: 'click'; detail: number };

export const IDLE: PressState = Object.freeze({ kind: 'idle' });

export function press(
  state: PressState,
  event: PressEvent,
): { state: PressState; activate: boolean } {
  switch (event.type) {
    case 'down':
      // A second finger while one is already down, or a right/middle mouse button: ignored.
      if (state.kind === 'idle' && event.isPrimary && event.button === 0) {
        return { state: { kind: 'pressed', pointerId: event.pointerId }, activate: false };
      }
      return { state, activate: false };
    case 'up':
      if (state.kind === 'pressed' && state.pointerId === event.pointerId) {
        return { state: IDLE, activate: event.inside };
      }
      return { state, activate: false };
    case 'cancel':
      if (state.kind === 'pressed' && state.pointerId === event.pointerId) {
        return { state: IDLE, activate: false };
      }
      return { state, activate: false };
    case 'click':
      return { state, activate: event.detail === 0 };
  }
}

export interface RectLike {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Whether a point (client coordinates) lies inside a rectangle, edges included. */
export function isInside(rect: RectLike, x: number, y: number): boolean {
  return x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom;
}
