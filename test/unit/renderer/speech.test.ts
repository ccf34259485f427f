import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, VOLUME_STEPS } from '../../../src/renderer/a11y/settings.js';
import {
  browserSpeechEngine,
  narrate,
  pickVoice,
  silentEngine,
  spokenLabel,
  type SpeechEngine,
  type SpeechHost,
  type Utterance,
} from '../../../src/renderer/a11y/speech.js';

function fakeEngine(languages: string[] = ['be', 'ru', 'en']) {
  const said: Utterance[] = [];
  let cancels = 0;
  const engine: SpeechEngine = {
    canSpeak: (l) => languages.includes(l),
    speak: (u) => {
      if (!languages.includes(u.language)) return false;
      said.push(u);
      return true;
    },
    cancel: () => void cancels++,
    onVoicesChanged: () => () => undefined,
  };
  return { engine, said, cancels: () => cancels };
}

function fakeHost(voices: { lang: string; name: string; default?: boolean }[]) {
  const spoken: { text: string; lang: string; voice: unknown; volume: number; rate: number }[] = [];
  const listeners = new Set<() => void>();
  class Utter {
    lang = '';
    voice: unknown = null;
    volume = 1;
    rate = 1;
    constructor(public text: string) {}
  }
  const host: SpeechHost = {
    speechSynthesis: {
      getVoices: () => voices,
      speak: (u) => spoken.push(u as Utter),
      cancel: vi.fn(),
      addEventListener: (_t, l) => listeners.add(l),
      removeEventListener: (_t, l) => listeners.delete(l),
    },
    SpeechSynthesisUtterance: Utter,
  };
  return { host, spoken, listeners };
}

describe('voice choice', () => {
  const voices = [
    { lang: 'ru-RU', name: 'ru' },
    { lang: 'en-US', name: 'us' },
    { lang: 'en_GB', name: 'gb' },
    { lang: 'en-GB', name: 'gb-default', default: true },
  ];
  it('prefers the exact region, then the default voice of it', () => {
    expect(pickVoice(voices, 'en')?.name).toBe('gb-default');
    expect(pickVoice(voices, 'ru')?.name).toBe('ru');
  });
  it('never reads Belarusian with another language’s voice', () => {
    expect(pickVoice(voices, 'be')).toBeNull();
    expect(pickVoice([{ lang: 'be', name: 'be' }], 'be')?.name).toBe('be');
  });
});

describe('browser speech engine', () => {
  it('is silent where the Web Speech API does not exist', () => {
    expect(browserSpeechEngine({})).toBe(silentEngine);
    expect(silentEngine.speak({ text: 'x', language: 'en', volume: 1, rate: 1 })).toBe(false);
  });

  it('hands the synthesiser the voice, language, volume and rate', () => {
    const { host, spoken } = fakeHost([{ lang: 'be-BY', name: 'be' }]);
    const engine = browserSpeechEngine(host);
    expect(engine.canSpeak('be')).toBe(true);
    expect(engine.canSpeak('ru')).toBe(false);
    expect(engine.speak({ text: 'Вітаем', language: 'be', volume: 0.6, rate: 1.25 })).toBe(true);
    expect(spoken).toEqual([
      expect.objectContaining({ text: 'Вітаем', lang: 'be-BY', volume: 0.6, rate: 1.25 }),
    ]);
    expect(engine.speak({ text: 'Привет', language: 'ru', volume: 1, rate: 1 })).toBe(false);
    expect(spoken).toHaveLength(1);
  });

  it('degrades to silence when the synthesiser throws', () => {
    const { host } = fakeHost([{ lang: 'en-GB', name: 'en' }]);
    const broken: SpeechHost = {
      ...host,
      SpeechSynthesisUtterance: class {
        lang = '';
        volume = 1;
        rate = 1;
        set voice(_v: unknown) {
          throw new TypeError('not a SpeechSynthesisVoice');
        }
      },
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(
      browserSpeechEngine(broken).speak({ text: 'x', language: 'en', volume: 1, rate: 1 }),
    ).toBe(false);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('reports voices arriving late and unsubscribes', () => {
    const { host, listeners } = fakeHost([]);
    const off = browserSpeechEngine(host).onVoicesChanged(() => undefined);
    expect(listeners.size).toBe(1);
    off();
    expect(listeners.size).toBe(0);
  });
});

describe('narrate', () => {
  it('says nothing while audio guidance is off', () => {
    const f = fakeEngine();
    expect(narrate(f.engine, DEFAULT_SETTINGS, 'be', 'Вітаем')).toBe(false);
    expect(f.said).toEqual([]);
  });

  it('replaces what is being said, with the voter’s volume and rate, whitespace collapsed', () => {
    const f = fakeEngine();
    const settings = { ...DEFAULT_SETTINGS, audio: true, volume: 0, rate: 4 };
    expect(narrate(f.engine, settings, 'ru', '  Добро\n  пожаловать ')).toBe(true);
    expect(f.cancels()).toBe(1);
    expect(f.said).toEqual([
      { text: 'Добро пожаловать', language: 'ru', volume: VOLUME_STEPS[0], rate: 1.5 },
    ]);
  });

  it('reports failure when no voice speaks the language', () => {
    const f = fakeEngine(['en']);
    expect(narrate(f.engine, { ...DEFAULT_SETTINGS, audio: true }, 'be', 'Вітаем')).toBe(false);
    expect(narrate(f.engine, { ...DEFAULT_SETTINGS, audio: true }, 'en', '   ')).toBe(false);
  });
});

describe('spoken labels', () => {
  const words = { selected: 'selected', expanded: 'open', collapsed: 'closed' };
  it('name the group, the control and its state', () => {
    expect(spokenLabel({ group: 'Text size', name: 'Large', pressed: true, words })).toBe(
      'Text size: Large, selected',
    );
    expect(spokenLabel({ name: ' Settings ', expanded: false, words })).toBe('Settings, closed');
    expect(spokenLabel({ group: ' ', name: 'Done', pressed: false, words })).toBe('Done');
  });
});
