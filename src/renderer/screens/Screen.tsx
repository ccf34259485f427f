import type { TFunction } from 'i18next';
import { useState } from 'react';
import type { SessionView } from '../../main/rpc/schema.js';
import { TouchTarget } from '../ui/TouchTarget.js';
import { CheckReceipt } from '../voting/CheckReceipt.js';
import { IdleWarning, usePresence } from '../voting/IdleWarning.js';
import { VoterFlow } from '../voting/VoterFlow.js';

/** One screen per session state; the host decides the state, the renderer only shows it.
 * The idle warning, when the host sets one, lies over whatever screen is up. */
export function Screen({ session, t }: { session: SessionView; t: TFunction }) {
  const warning = session.idleWarningUntil ?? null;
  usePresence(session.state === 'welcome');
  return (
    <>
      <div className="screen-host" inert={warning !== null}>
        <StateScreen session={session} t={t} />
      </div>
      {warning !== null ? <IdleWarning until={warning} t={t} /> : null}
    </>
  );
}

function StateScreen({ session, t }: { session: SessionView; t: TFunction }) {
  switch (session.state) {
    case 'attract':
      return <Attract session={session} t={t} />;
    case 'reading':
      return (
        <section className="screen" data-screen="reading" aria-busy="true">
          <h1>{t('reading.title')}</h1>
          <p className="lead">{t('reading.hint')}</p>
        </section>
      );
    case 'welcome':
      return (
        <VoterFlow
          language={session.language}
          greetingName={session.greetingName}
          eligibility={session.eligibility}
          t={t}
          noVoting={() => (
            <section className="screen welcome" data-screen="welcome">
              <h1>{t('welcome.title', { name: session.greetingName })}</h1>
              <p className="lead">{t('welcome.body')}</p>
              <p className="note">{t('welcome.endHint')}</p>
            </section>
          )}
        />
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

/** Waiting for a card; "check my receipt" needs no card, so it starts from here. */
function Attract({ session, t }: { session: SessionView; t: TFunction }) {
  const [checking, setChecking] = useState(false);
  if (checking) {
    return <CheckReceipt language={session.language} t={t} onBack={() => setChecking(false)} />;
  }
  return (
    <section className="screen attract" data-screen="attract">
      <h1>{t('attract.title')}</h1>
      <p className="lead">{t('attract.instruction')}</p>
      <div className="card-slot" aria-hidden="true" />
      <p className="note">{t('attract.privacy')}</p>
      <div className="actions">
        <TouchTarget data-testid="open-check-receipt" onActivate={() => setChecking(true)}>
          {t('vote.check.open')}
        </TouchTarget>
      </div>
    </section>
  );
}
