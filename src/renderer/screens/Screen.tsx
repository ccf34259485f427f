import type { TFunction } from 'i18next';
import type { SessionView } from '../../main/rpc/schema.js';

/** One screen per session state; the host decides the state, the renderer only shows it. */
export function Screen({ session, t }: { session: SessionView; t: TFunction }) {
  switch (session.state) {
    case 'attract':
      return (
        <section className="screen attract" data-screen="attract">
          <h1>{t('attract.title')}</h1>
          <p className="lead">{t('attract.instruction')}</p>
          <div className="card-slot" aria-hidden="true" />
          <p className="note">{t('attract.privacy')}</p>
        </section>
      );
    case 'reading':
      return (
        <section className="screen" data-screen="reading" aria-busy="true">
          <h1>{t('reading.title')}</h1>
          <p className="lead">{t('reading.hint')}</p>
        </section>
      );
    case 'welcome':
      return (
        <section className="screen welcome" data-screen="welcome">
          <h1>{t('welcome.title', { name: session.greetingName })}</h1>
          <p className="lead">{t('welcome.body')}</p>
          <p className="note">{t('welcome.endHint')}</p>
        </section>
      );
    case 'card-error':
      return (
        <section className="screen error" data-screen="card-error" role="alert">
          <h1>{t('cardError.title')}</h1>
          <p className="lead">{t(`cardError.${session.reason}`)}</p>
          <p className="note">{t('cardError.action')}</p>
        </section>
      );
  }
}
