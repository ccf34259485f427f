// Per-voter accessibility settings and the pure reducer that changes them. Nothing here
// touches the DOM, so the rules (steps, bounds, reset after each voter) are unit-tested as is.
import type { SessionView } from '../../main/rpc/schema.js';

export const TEXT_SIZES = ['standard', 'large', 'largest'] as const;
export type TextSize = (typeof TEXT_SIZES)[number];
/** Root font-size multipliers: 100 %, 130 %, 160 % of the 22 px base. */
export const TEXT_SCALE: Record<TextSize, number> = { standard: 1, large: 1.3, largest: 1.6 };
export const BASE_FONT_PX = 22;

export const THEMES = ['standard', 'contrast-dark', 'contrast-light'] as const;
export type ThemeName = (typeof THEMES)[number];

/** Speech volume (0..1) and rate (1 = the engine's normal) in the steps the panel offers. */
export const VOLUME_STEPS = [0.2, 0.4, 0.6, 0.8, 1] as const;
export const RATE_STEPS = [0.6, 0.8, 1, 1.25, 1.5] as const;

export interface A11ySettings {
  textSize: TextSize;
  theme: ThemeName;
  audio: boolean;
  /** Index into VOLUME_STEPS. */
  volume: number;
  /** Index into RATE_STEPS. */
  rate: number;
  reducedMotion: boolean;
}

export const DEFAULT_SETTINGS: Readonly<A11ySettings> = Object.freeze({
  textSize: 'standard',
  theme: 'standard',
  audio: false,
  volume: 3,
  rate: 2,
  reducedMotion: false,
});

export type SessionState = SessionView['state'];

export interface A11yState {
  settings: A11ySettings;
  panelOpen: boolean;
  /** The last session state seen, so the reducer can tell when a voter's session ended. */
  session: SessionState | null;
}

export const INITIAL_STATE: Readonly<A11yState> = Object.freeze({
  settings: DEFAULT_SETTINGS,
  panelOpen: false,
  session: null,
});

export type A11yAction =
  | { type: 'textSize'; value: TextSize }
  | { type: 'theme'; value: ThemeName }
  | { type: 'audio'; on: boolean }
  | { type: 'volume'; step: 1 | -1 }
  | { type: 'rate'; step: 1 | -1 }
  | { type: 'reducedMotion'; on: boolean }
  | { type: 'panel'; open: boolean }
  | { type: 'reset' }
  | { type: 'session'; state: SessionState | null };

const clampIndex = (i: number, length: number) => Math.max(0, Math.min(length - 1, i));

function withSettings(state: A11yState, patch: Partial<A11ySettings>): A11yState {
  return { ...state, settings: { ...state.settings, ...patch } };
}

export function a11yReducer(state: A11yState, action: A11yAction): A11yState {
  switch (action.type) {
    case 'textSize':
      return withSettings(state, { textSize: action.value });
    case 'theme':
      return withSettings(state, { theme: action.value });
    case 'audio':
      return withSettings(state, { audio: action.on });
    case 'volume':
      return withSettings(state, {
        volume: clampIndex(state.settings.volume + action.step, VOLUME_STEPS.length),
      });
    case 'rate':
      return withSettings(state, {
        rate: clampIndex(state.settings.rate + action.step, RATE_STEPS.length),
      });
    case 'reducedMotion':
      return withSettings(state, { reducedMotion: action.on });
    case 'panel':
      return { ...state, panelOpen: action.open };
    case 'reset':
      // The panel's own reset button: standard settings, panel stays where the voter is.
      return { ...INITIAL_STATE, panelOpen: state.panelOpen, session: state.session };
    case 'session':
      if (action.state === state.session) return state;
      // Back on the attract screen means the voter's session is over (card out, timeout,
      // error cleared): the next voter must not inherit anything, not even an open panel.
      if (action.state === 'attract') return { ...INITIAL_STATE, session: action.state };
      return { ...state, session: action.state };
  }
}

export const volumeOf = (s: A11ySettings): number => VOLUME_STEPS[s.volume] ?? 0.8;
export const rateOf = (s: A11ySettings): number => RATE_STEPS[s.rate] ?? 1;
