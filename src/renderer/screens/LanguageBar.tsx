import type { TFunction } from 'i18next';
import { LANGUAGES, type Language } from '../../main/rpc/schema.js';

export function LanguageBar(props: {
  current: Language;
  onChoose: (l: Language) => void;
  t: TFunction;
}) {
  return (
    <nav className="languages" aria-label={props.t('language.label')}>
      {LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className="lang"
          data-testid={`lang-${l}`}
          aria-pressed={props.current === l}
          onClick={() => props.onChoose(l)}
        >
          {props.t(`language.${l}`)}
        </button>
      ))}
    </nav>
  );
}
