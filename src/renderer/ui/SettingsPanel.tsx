// The voter's accessibility settings: text size, colours, audio guidance, motion. Big buttons
// only (no sliders: a slider cannot be driven by two switches or a shaky finger).
import type { TFunction } from 'i18next';
import { useA11y } from '../a11y/context.js';
import {
  a11yReducer,
  rateOf,
  TEXT_SIZES,
  THEMES,
  volumeOf,
  type A11yAction,
  type A11ySettings,
} from '../a11y/settings.js';
import { SPEECH_LANG } from '../a11y/speech.js';
import { THEME_TOKENS } from '../a11y/themes.js';
import { OptionGroup } from './OptionGroup.js';
import { SETTINGS_BUTTON_ID, SETTINGS_PANEL_ID } from './SettingsButton.js';
import { TouchTarget } from './TouchTarget.js';

export function SettingsPanel({ t }: { t: TFunction }) {
  const { settings, panelOpen, dispatch, language, speechAvailable, say } = useA11y();
  if (!panelOpen) return null;

  const percent = (v: number) =>
    new Intl.NumberFormat(SPEECH_LANG[language], { style: 'percent' }).format(v);
  const volumeText = (s: A11ySettings) =>
    t('a11y.audio.volumeValue', { value: percent(volumeOf(s)) });
  const rateText = (s: A11ySettings) => t('a11y.audio.rateValue', { value: percent(rateOf(s)) });
  // Confirms a new volume or speed by saying it at that volume and speed.
  const step = (action: A11yAction & { type: 'volume' | 'rate' }) => {
    const next = a11yReducer({ settings, panelOpen, session: null }, action).settings;
    dispatch(action);
    say(action.type === 'volume' ? volumeText(next) : rateText(next), next);
  };
  const close = () => {
    dispatch({ type: 'panel', open: false });
    document.getElementById(SETTINGS_BUTTON_ID)?.focus();
  };

  return (
    <section
      id={SETTINGS_PANEL_ID}
      className="a11y-panel"
      aria-labelledby="a11y-panel-title"
      data-testid="a11y-panel"
    >
      <h2 id="a11y-panel-title">{t('a11y.panelTitle')}</h2>

      <OptionGroup id="a11y-text-size" label={t('a11y.textSize.label')}>
        {TEXT_SIZES.map((size) => (
          <TouchTarget
            key={size}
            data-testid={`text-size-${size}`}
            pressed={settings.textSize === size}
            onActivate={() => dispatch({ type: 'textSize', value: size })}
          >
            {t(`a11y.textSize.${size}`)}
          </TouchTarget>
        ))}
      </OptionGroup>

      <OptionGroup id="a11y-theme" label={t('a11y.theme.label')}>
        {THEMES.map((theme) => {
          const tokens = THEME_TOKENS[theme];
          return (
            <TouchTarget
              key={theme}
              className="theme-choice"
              data-testid={`theme-${theme}`}
              pressed={settings.theme === theme}
              onActivate={() => dispatch({ type: 'theme', value: theme })}
            >
              {/* A sample in the theme's own colours: the voter sees what they will get. */}
              <span
                className="theme-chip"
                aria-hidden="true"
                style={{ background: tokens.bg, color: tokens.fg, borderColor: tokens.fg }}
              >
                Aa
              </span>
              {t(`a11y.theme.${theme}`)}
            </TouchTarget>
          );
        })}
      </OptionGroup>

      <OptionGroup id="a11y-audio" label={t('a11y.audio.label')}>
        <TouchTarget
          data-testid="audio-on"
          pressed={settings.audio}
          onActivate={() => dispatch({ type: 'audio', on: true })}
        >
          {t('a11y.audio.on')}
        </TouchTarget>
        <TouchTarget
          data-testid="audio-off"
          pressed={!settings.audio}
          onActivate={() => dispatch({ type: 'audio', on: false })}
        >
          {t('a11y.audio.off')}
        </TouchTarget>
      </OptionGroup>
      {settings.audio && !speechAvailable ? (
        <p className="note" role="status" data-testid="audio-unavailable">
          {t('a11y.audio.unavailable')}
        </p>
      ) : null}
      {settings.audio ? (
        <>
          <OptionGroup id="a11y-volume" label={t('a11y.audio.volume')}>
            <TouchTarget
              data-testid="volume-down"
              onActivate={() => step({ type: 'volume', step: -1 })}
            >
              {t('a11y.audio.quieter')}
            </TouchTarget>
            <output className="option-value" data-testid="volume-value" aria-live="polite">
              {volumeText(settings)}
            </output>
            <TouchTarget
              data-testid="volume-up"
              onActivate={() => step({ type: 'volume', step: 1 })}
            >
              {t('a11y.audio.louder')}
            </TouchTarget>
          </OptionGroup>
          <OptionGroup id="a11y-rate" label={t('a11y.audio.rate')}>
            <TouchTarget
              data-testid="rate-down"
              onActivate={() => step({ type: 'rate', step: -1 })}
            >
              {t('a11y.audio.slower')}
            </TouchTarget>
            <output className="option-value" data-testid="rate-value" aria-live="polite">
              {rateText(settings)}
            </output>
            <TouchTarget data-testid="rate-up" onActivate={() => step({ type: 'rate', step: 1 })}>
              {t('a11y.audio.faster')}
            </TouchTarget>
          </OptionGroup>
        </>
      ) : null}

      <OptionGroup id="a11y-motion" label={t('a11y.motion.label')}>
        <TouchTarget
          data-testid="motion-reduce-on"
          pressed={settings.reducedMotion}
          onActivate={() => dispatch({ type: 'reducedMotion', on: true })}
        >
          {t('a11y.motion.on')}
        </TouchTarget>
        <TouchTarget
          data-testid="motion-reduce-off"
          pressed={!settings.reducedMotion}
          onActivate={() => dispatch({ type: 'reducedMotion', on: false })}
        >
          {t('a11y.motion.off')}
        </TouchTarget>
      </OptionGroup>

      <div className="panel-actions">
        <TouchTarget data-testid="a11y-reset" onActivate={() => dispatch({ type: 'reset' })}>
          {t('a11y.reset')}
        </TouchTarget>
        <TouchTarget variant="primary" data-testid="a11y-done" onActivate={close}>
          {t('a11y.done')}
        </TouchTarget>
      </div>
    </section>
  );
}
