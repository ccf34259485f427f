// Audio guidance. The kiosk speaks through a SpeechEngine; the browser's Web Speech API is one
// engine, tests inject fakes. A kiosk with no voice for the session's language (headless
// Chromium has none at all) degrades to silence and the settings panel says so.
import type { Language } from '../../main/rpc/schema.js';
import { rateOf, volumeOf, type A11ySettings } from './settings.js';

export interface Utterance {
  text: string;
  language: Language;
  /** 0..1 */
  volume: number;
  /** 1 = normal */
  rate: number;
}

export interface SpeechEngine {
  /** Whether a voice for this language exists right now. */
  canSpeak(language: Language): boolean;
  /** Queues an utterance; false when it cannot be spoken. */
  speak(u: Utterance): boolean;
  /** Stops what is being said and drops the queue. */
  cancel(): void;
  /** Calls back when the set of voices changes (they load asynchronously); returns unsubscribe. */
  onVoicesChanged(listener: () => void): () => void;
}

/** Speaks nothing; used when the platform has no speech synthesis at all. */
export const silentEngine: SpeechEngine = {
  canSpeak: () => false,
  speak: () => false,
  cancel: () => undefined,
  onVoicesChanged: () => () => undefined,
};

/** BCP 47 tags handed to the synthesiser. */
export const SPEECH_LANG: Record<Language, string> = { be: 'be-BY', ru: 'ru-RU', en: 'en-GB' };

interface VoiceLike {
  lang: string;
  name: string;
  default?: boolean;
}

/** The best voice for a language: exact region first, then any of the language, else none.
 * No cross-language fallback: Belarusian read by a Russian voice misleads more than silence. */
export function pickVoice<V extends VoiceLike>(voices: readonly V[], language: Language): V | null {
  const norm = (l: string) => l.toLowerCase().replace('_', '-');
  const exact = norm(SPEECH_LANG[language]);
  const same = voices.filter(
    (v) => norm(v.lang) === language || norm(v.lang).startsWith(`${language}-`),
  );
  return (
    same.find((v) => norm(v.lang) === exact && v.default === true) ??
    same.find((v) => norm(v.lang) === exact) ??
    same[0] ??
    null
  );
}

/** The parts of `window` the browser engine needs, so a test can pass a fake one. */
export interface SpeechHost {
  speechSynthesis?: {
    getVoices(): VoiceLike[];
    speak(u: unknown): void;
    cancel(): void;
    addEventListener(type: 'voiceschanged', l: () => void): void;
    removeEventListener(type: 'voiceschanged', l: () => void): void;
  };
  SpeechSynthesisUtterance?: new (text: string) => {
    lang: string;
    voice: unknown;
    volume: number;
    rate: number;
  };
}

/** The Web Speech API engine, or the silent one where the API does not exist. */
export function browserSpeechEngine(host: SpeechHost): SpeechEngine {
  const synth = host.speechSynthesis;
  const Utter = host.SpeechSynthesisUtterance;
  if (synth === undefined || Utter === undefined) return silentEngine;
  return {
    canSpeak: (language) => pickVoice(synth.getVoices(), language) !== null,
    speak(u) {
      const voice = pickVoice(synth.getVoices(), u.language);
      if (voice === null) return false;
      try {
        const utterance = new Utter(u.text);
        utterance.voice = voice;
        utterance.lang = voice.lang;
        utterance.volume = u.volume;
        utterance.rate = u.rate;
        synth.speak(utterance);
        return true;
      } catch (e) {
        // A broken synthesiser must never break voting: guidance goes quiet instead.
        console.warn('speech failed', e);
        return false;
      }
    },
    cancel() {
      try {
        synth.cancel();
      } catch {
        // Nothing to stop.
      }
    },
    onVoicesChanged(listener) {
      synth.addEventListener('voiceschanged', listener);
      return () => synth.removeEventListener('voiceschanged', listener);
    },
  };
}

/**
 * Says `text` if the voter turned audio guidance on, replacing whatever was being said (a
 * voter stepping through controls wants the current one, not a backlog). Returns whether
 * anything was spoken.
 */
export function narrate(
  engine: SpeechEngine,
  settings: A11ySettings,
  language: Language,
  text: string,
): boolean {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (!settings.audio || clean === '') return false;
  engine.cancel();
  return engine.speak({
    text: clean,
    language,
    volume: volumeOf(settings),
    rate: rateOf(settings),
  });
}

/** What to say for a focused control: its group, its name, and whether it is selected. */
export function spokenLabel(parts: {
  group?: string | null;
  name: string;
  pressed?: boolean | null;
  expanded?: boolean | null;
  words: { selected: string; expanded: string; collapsed: string };
}): string {
  const bits = [parts.group, parts.name].filter((b): b is string => !!b && b.trim() !== '');
  let text = bits.map((b) => b.trim()).join(': ');
  if (parts.pressed === true) text += `, ${parts.words.selected}`;
  if (parts.expanded === true) text += `, ${parts.words.expanded}`;
  if (parts.expanded === false) text += `, ${parts.words.collapsed}`;
  return text;
}
