import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  a11yReducer,
  DEFAULT_SETTINGS,
  INITIAL_STATE,
  rateOf,
  RATE_STEPS,
  TEXT_SCALE,
  TEXT_SIZES,
  THEMES,
  volumeOf,
  VOLUME_STEPS,
  type A11yAction,
  type A11yState,
} from '../../../src/renderer/a11y/settings.js';

const apply = (actions: A11yAction[], from: A11yState = INITIAL_STATE) =>
  actions.reduce(a11yReducer, from);

const sessionStates = ['attract', 'reading', 'welcome', 'card-error'] as const;
const action: fc.Arbitrary<A11yAction> = fc.oneof(
  fc.constantFrom(...TEXT_SIZES).map((value) => ({ type: 'textSize' as const, value })),
  fc.constantFrom(...THEMES).map((value) => ({ type: 'theme' as const, value })),
  fc.boolean().map((on) => ({ type: 'audio' as const, on })),
  fc.constantFrom(1 as const, -1 as const).map((step) => ({ type: 'volume' as const, step })),
  fc.constantFrom(1 as const, -1 as const).map((step) => ({ type: 'rate' as const, step })),
  fc.boolean().map((on) => ({ type: 'reducedMotion' as const, on })),
  fc.boolean().map((open) => ({ type: 'panel' as const, open })),
  fc.constant({ type: 'reset' as const }),
  fc.constantFrom(...sessionStates, null).map((state) => ({ type: 'session' as const, state })),
);

describe('accessibility settings', () => {
  it('start standard: 100 % text, standard colours, silent, full motion, panel closed', () => {
    expect(INITIAL_STATE.settings).toEqual(DEFAULT_SETTINGS);
    expect(TEXT_SCALE[DEFAULT_SETTINGS.textSize]).toBe(1);
    expect(DEFAULT_SETTINGS).toMatchObject({
      theme: 'standard',
      audio: false,
      reducedMotion: false,
    });
    expect(INITIAL_STATE.panelOpen).toBe(false);
  });

  it('offer three text sizes, 100/130/160 %', () => {
    expect(TEXT_SIZES.map((s) => TEXT_SCALE[s])).toEqual([1, 1.3, 1.6]);
  });

  it('step volume and rate within their ranges', () => {
    const loud = apply(Array(10).fill({ type: 'volume', step: 1 }));
    expect(volumeOf(loud.settings)).toBe(VOLUME_STEPS.at(-1));
    const quiet = apply(Array(10).fill({ type: 'volume', step: -1 }));
    expect(volumeOf(quiet.settings)).toBe(VOLUME_STEPS[0]);
    expect(volumeOf(quiet.settings)).toBeGreaterThan(0); // never silent by accident
    const fast = apply(Array(10).fill({ type: 'rate', step: 1 }));
    expect(rateOf(fast.settings)).toBe(RATE_STEPS.at(-1));
    expect(rateOf(DEFAULT_SETTINGS)).toBe(1);
  });

  it('reset everything, panel included, when the session returns to attract', () => {
    const used = apply([
      { type: 'session', state: 'welcome' },
      { type: 'textSize', value: 'largest' },
      { type: 'theme', value: 'contrast-dark' },
      { type: 'audio', on: true },
      { type: 'volume', step: 1 },
      { type: 'reducedMotion', on: true },
      { type: 'panel', open: true },
    ]);
    expect(used.settings).not.toEqual(DEFAULT_SETTINGS);
    expect(a11yReducer(used, { type: 'session', state: 'attract' })).toEqual({
      ...INITIAL_STATE,
      session: 'attract',
    });
  });

  it('keep settings across the rest of a session (welcome → reading → card-error)', () => {
    const s = apply([
      { type: 'session', state: 'welcome' },
      { type: 'theme', value: 'contrast-light' },
      { type: 'session', state: 'reading' },
      { type: 'session', state: 'card-error' },
    ]);
    expect(s.settings.theme).toBe('contrast-light');
  });

  it("keep the panel open on the panel's own reset", () => {
    const s = apply([
      { type: 'panel', open: true },
      { type: 'theme', value: 'contrast-dark' },
      { type: 'reset' },
    ]);
    expect(s.settings).toEqual(DEFAULT_SETTINGS);
    expect(s.panelOpen).toBe(true);
  });

  it('whatever a voter did, arriving at attract leaves standard settings', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), (actions) => {
        const s = apply([...actions, { type: 'session', state: 'welcome' }]);
        const after = a11yReducer(s, { type: 'session', state: 'attract' });
        return (
          JSON.stringify(after.settings) === JSON.stringify(DEFAULT_SETTINGS) && !after.panelOpen
        );
      }),
    );
  });

  it('keep indices valid under any sequence of actions', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 60 }), (actions) => {
        const { settings } = apply(actions);
        return (
          VOLUME_STEPS[settings.volume] !== undefined && RATE_STEPS[settings.rate] !== undefined
        );
      }),
    );
  });
});
