import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IDLE,
  isInside,
  press,
  type PressEvent,
  type PressState,
} from '../../../src/renderer/ui/press.js';

function run(events: PressEvent[], from: PressState = IDLE) {
  let state = from;
  const activations: number[] = [];
  events.forEach((e, i) => {
    const r = press(state, e);
    state = r.state;
    if (r.activate) activations.push(i);
  });
  return { state, activations };
}

const down = (pointerId = 1, extra: Partial<{ isPrimary: boolean; button: number }> = {}) =>
  ({ type: 'down', pointerId, isPrimary: true, button: 0, ...extra }) as const;
const up = (inside: boolean, pointerId = 1) => ({ type: 'up', pointerId, inside }) as const;

describe('touch activation rule', () => {
  it('activates when the press starts and ends inside', () => {
    expect(run([down(), up(true)]).activations).toEqual([1]);
  });

  it('does not activate when the press ends outside (slid off)', () => {
    expect(run([down(), up(false)]).activations).toEqual([]);
  });

  it('does not activate when a finger that went down elsewhere lifts here', () => {
    expect(run([up(true)]).activations).toEqual([]);
  });

  it('does not activate when the browser cancels the press (it became a scroll)', () => {
    expect(run([down(), { type: 'cancel', pointerId: 1 }, up(true)]).activations).toEqual([]);
  });

  it('ignores a second finger and non-primary mouse buttons', () => {
    expect(run([down(1), down(2, { isPrimary: false }), up(true, 2)]).activations).toEqual([]);
    expect(run([down(1, { button: 2 }), up(true, 1)]).activations).toEqual([]);
    // The first finger still counts.
    expect(run([down(1), down(2, { isPrimary: false }), up(true, 1)]).activations).toEqual([2]);
  });

  it('activates on clicks no pointer made (keyboard, switch, assistive tech) only', () => {
    expect(run([{ type: 'click', detail: 0 }]).activations).toEqual([0]);
    expect(run([{ type: 'click', detail: 1 }]).activations).toEqual([]);
    // The click a pointer press produces after its up does not activate a second time.
    expect(run([down(), up(true), { type: 'click', detail: 1 }]).activations).toEqual([1]);
  });

  it('never activates on pointer input except on an inside lift-off of an uncancelled press', () => {
    const event: fc.Arbitrary<PressEvent> = fc.oneof(
      fc.record({
        type: fc.constant('down' as const),
        pointerId: fc.integer({ min: 1, max: 3 }),
        isPrimary: fc.boolean(),
        button: fc.integer({ min: 0, max: 2 }),
      }),
      fc.record({
        type: fc.constant('up' as const),
        pointerId: fc.integer({ min: 1, max: 3 }),
        inside: fc.boolean(),
      }),
      fc.record({
        type: fc.constant('cancel' as const),
        pointerId: fc.integer({ min: 1, max: 3 }),
      }),
      fc.record({ type: fc.constant('click' as const), detail: fc.integer({ min: 1, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const { activations } = run(events);
        // Only ever on a lift-off inside the target...
        const onInsideUps = activations.every((i) => {
          const e = events[i];
          return e?.type === 'up' && e.inside;
        });
        // ...never without a press that started on it...
        const noDowns = run(events.filter((e) => e.type !== 'down')).activations.length === 0;
        // ...and never once the browser cancelled that pointer's press.
        const cancelled = events.flatMap((e): PressEvent[] =>
          e.type === 'up' ? [{ type: 'cancel', pointerId: e.pointerId }, e] : [e],
        );
        const noneAfterCancel = run(cancelled).activations.length === 0;
        return onInsideUps && noDowns && noneAfterCancel;
      }),
    );
  });
});

describe('isInside', () => {
  const r = { left: 10, top: 20, right: 110, bottom: 92 };
  it('includes the edges and excludes a pixel beyond', () => {
    expect(isInside(r, 10, 20)).toBe(true);
    expect(isInside(r, 110, 92)).toBe(true);
    expect(isInside(r, 60, 50)).toBe(true);
    expect(isInside(r, 9, 50)).toBe(false);
    expect(isInside(r, 60, 93)).toBe(false);
    expect(isInside(r, 111, 50)).toBe(false);
  });
});
