// Audio guidance: says each screen's heading when it appears and each control as it gets the
// focus. It watches the DOM rather than being called by screens, so screens built later get
// guidance without doing anything.
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { Language } from '../../main/rpc/schema.js';
import { describeElement } from './dom.js';
import type { A11ySettings } from './settings.js';
import { narrate, spokenLabel, type SpeechEngine } from './speech.js';

export interface SpeechWords {
  selected: string;
  expanded: string;
  collapsed: string;
}

export function Guidance(props: {
  engine: SpeechEngine;
  settings: A11ySettings;
  language: Language;
  words: SpeechWords;
  /** Where screens render their h1. */
  mainId: string;
}) {
  const { engine, settings } = props;
  // Latest values for the long-lived observers below without re-subscribing (which would
  // re-read the heading on every volume change).
  const latest = useRef(props);
  useLayoutEffect(() => {
    latest.current = props;
  });

  useEffect(() => {
    if (!settings.audio) return;
    const say = (text: string) => {
      const p = latest.current;
      narrate(p.engine, p.settings, p.language, text);
    };
    let lastHeading = '';
    const readHeading = () => {
      const h = document.getElementById(latest.current.mainId)?.querySelector('h1');
      const text = h?.textContent?.trim() ?? '';
      if (text !== '' && text !== lastHeading) {
        lastHeading = text;
        say(text);
      }
    };
    const onFocus = (e: FocusEvent) => {
      if (!(e.target instanceof Element) || e.target.matches('main')) return;
      say(spokenLabel({ ...describeElement(e.target), words: latest.current.words }));
    };
    readHeading();
    const main = document.getElementById(latest.current.mainId);
    const observer = new MutationObserver(readHeading);
    if (main !== null) {
      observer.observe(main, { childList: true, subtree: true, characterData: true });
    }
    document.addEventListener('focusin', onFocus);
    return () => {
      observer.disconnect();
      document.removeEventListener('focusin', onFocus);
      // Turning guidance off (or the voter leaving) silences it at once.
      engine.cancel();
    };
  }, [settings.audio, engine]);
  return null;
}
