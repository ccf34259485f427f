import type { TFunction } from 'i18next';
import { LANGUAGES, type Language } from '../../main/rpc/schema.js';
import { TouchTarget } from '../ui/TouchTarget.js';

export function LanguageBar(props: {
  current: Language;
  onChoose: (l: Language) => void;
  t: TFunction;
}) {
  return (
    <nav className="languages" aria-label={props.t('language.label')}>
      {LANGUAGES.map((l) => (
        <TouchTarget
          key={l}
          lang={l}
          className="lang"
          data-testid={`lang-${l}`}
          pressed={props.current === l}
          onActivate={() => props.onChoose(l)}
        >
          {props.t(`language.${l}`)}
        </TouchTarget>
      ))}
    </nav>
  );
}
