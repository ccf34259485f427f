// Owns the voter's accessibility settings: applies them to the page, resets them when the
// session returns to 'attract', and mounts the switch navigator and the audio guidance.
import {
  useCallback,
  useLayoutEffect,
  useMemo,
  useReducer,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { Language } from '../../main/rpc/schema.js';
import '../ui/ui.css';
import { A11yContext, type A11yContextValue } from './context.js';
import { Guidance, type SpeechWords } from './Guidance.js';
import {
  a11yReducer,
  BASE_FONT_PX,
  INITIAL_STATE,
  TEXT_SCALE,
  type A11ySettings,
  type SessionState,
} from './settings.js';
import { browserSpeechEngine, narrate, type SpeechEngine } from './speech.js';
import { SwitchNavigation } from './SwitchNavigation.js';
import type { SwitchKeyMap } from './switch.js';
import { themeVariables } from './themes.js';

const defaultEngine = browserSpeechEngine(
  window as unknown as Parameters<typeof browserSpeechEngine>[0],
);

function applyToDocument(root: HTMLElement, s: A11ySettings) {
  root.dataset['theme'] = s.theme;
  root.dataset['textSize'] = s.textSize;
  root.dataset['motion'] = s.reducedMotion ? 'reduce' : 'full';
  for (const [name, value] of Object.entries(themeVariables(s.theme))) {
    root.style.setProperty(name, value);
  }
  root.style.setProperty('color-scheme', s.theme === 'contrast-dark' ? 'dark' : 'light');
  root.style.fontSize = `${BASE_FONT_PX * TEXT_SCALE[s.textSize]}px`;
}

export function A11yProvider(props: {
  language: Language;
  /** null until the host has said where the session is. */
  sessionState: SessionState | null;
  speechWords: SpeechWords;
  engine?: SpeechEngine;
  keyMap?: SwitchKeyMap;
  mainId?: string;
  children: ReactNode;
}) {
  const engine = props.engine ?? defaultEngine;
  const mainId = props.mainId ?? 'main';
  const [state, dispatch] = useReducer(a11yReducer, INITIAL_STATE);
  // Derived from the session during render (not in an effect), so the next voter's first
  // frame already has standard settings.
  if (state.session !== props.sessionState) {
    dispatch({ type: 'session', state: props.sessionState });
  }
  const { settings, panelOpen } = state;
  const { language } = props;

  useLayoutEffect(() => applyToDocument(document.documentElement, settings), [settings]);

  // Voices load asynchronously (and may never arrive): re-check when the engine says so.
  const subscribe = useCallback(
    (onChange: () => void) => engine.onVoicesChanged(onChange),
    [engine],
  );
  const speechAvailable = useSyncExternalStore(subscribe, () => engine.canSpeak(language));

  const say = useCallback(
    (text: string, with_?: A11ySettings) => void narrate(engine, with_ ?? settings, language, text),
    [engine, settings, language],
  );

  const value = useMemo<A11yContextValue>(
    () => ({ settings, panelOpen, dispatch, language, speechAvailable, say }),
    [settings, panelOpen, language, speechAvailable, say],
  );

  return (
    <A11yContext.Provider value={value}>
      <SwitchNavigation keyMap={props.keyMap} reducedMotion={settings.reducedMotion} />
      <Guidance
        engine={engine}
        settings={settings}
        language={language}
        words={props.speechWords}
        mainId={mainId}
      />
      {props.children}
    </A11yContext.Provider>
  );
}
