// Open, pause, resume and close the polls of each election. Opening prints the zero report and
// closing the summary (the host prints; this says whether the paper came out). Closing is
// final, so it asks once more.
import { useEffect, useState } from 'react';
import type { Language, RpcResponse } from '../../main/rpc/schema.js';
import { TouchTarget } from '../ui/TouchTarget.js';
import { call } from '../lib/rpc.js';
import { errorLine, NO_STATUS, said, type StatusLine } from './error-text.js';
import type { StaffT } from './i18n/index.js';
import { StaffStatus } from './StaffStatus.js';

type Election = RpcResponse<'polls.list'>[number];
type Command = 'polls.open' | 'polls.pause' | 'polls.resume' | 'polls.close';

export function PollsPanel({
  t,
  language,
  canRun,
}: {
  t: StaffT;
  language: Language;
  canRun: boolean;
}) {
  const [elections, setElections] = useState<Election[] | null>(null);
  const [message, setMessage] = useState<StatusLine>(NO_STATUS);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const [version, setVersion] = useState(0);
  useEffect(() => {
    let alive = true;
    void call('polls.list', {}).then((r) => {
      if (!alive) return;
      if (r.ok) setElections(r.value);
      else setMessage(errorLine(r.error));
    });
    return () => {
      alive = false;
    };
  }, [t, version]);

  const run = async (command: Command, electionId: string) => {
    setBusy(true);
    setConfirming(null);
    const r = await call(command, { electionId });
    setBusy(false);
    if (!r.ok) {
      setMessage(errorLine(r.error));
    } else if (r.value.printed === false) {
      setMessage(said((t) => t('polls.notPrinted')));
    } else if (r.value.zeroReport !== undefined) {
      const cast = r.value.zeroReport.counts.cast.total;
      setMessage(said((t) => t('polls.zeroPrinted', { cast })));
    } else if (r.value.summary !== undefined) {
      const { counts, undelivered } = r.value.summary;
      setMessage(said((t) => t('polls.summaryPrinted', { cast: counts.cast.total, undelivered })));
    } else {
      setMessage(NO_STATUS);
    }
    setVersion((v) => v + 1);
  };

  return (
    <section aria-labelledby="polls-heading" className="staff-panel">
      <h2 id="polls-heading">{t('polls.heading')}</h2>
      <StaffStatus t={t} line={message} busy={busy} />
      {elections !== null && elections.length === 0 ? <p>{t('polls.none')}</p> : null}
      <ul className="staff-list">
        {(elections ?? []).map((e) => (
          <li key={e.electionId} className="staff-row" data-election={e.electionId}>
            <div>
              <strong>{e.title?.[language] ?? e.electionId}</strong>
              <span className="note"> · {t('polls.kind', { kind: e.kind })}</span>
              <div className={`polls-state polls-${e.state}`}>{t(`polls.state.${e.state}`)}</div>
            </div>
            {canRun ? (
              <div className="staff-actions">
                {e.state === 'not-opened' ? (
                  <TouchTarget
                    variant="primary"
                    onActivate={() => void run('polls.open', e.electionId)}
                    disabled={busy}
                  >
                    {t('polls.open')}
                  </TouchTarget>
                ) : null}
                {e.state === 'open' ? (
                  <TouchTarget
                    onActivate={() => void run('polls.pause', e.electionId)}
                    disabled={busy}
                  >
                    {t('polls.pause')}
                  </TouchTarget>
                ) : null}
                {e.state === 'paused' ? (
                  <TouchTarget
                    variant="primary"
                    onActivate={() => void run('polls.resume', e.electionId)}
                    disabled={busy}
                  >
                    {t('polls.resume')}
                  </TouchTarget>
                ) : null}
                {e.state !== 'closed' && confirming !== e.electionId ? (
                  <TouchTarget onActivate={() => setConfirming(e.electionId)} disabled={busy}>
                    {t('polls.close')}
                  </TouchTarget>
                ) : null}
                {confirming === e.electionId ? (
                  <div
                    role="alertdialog"
                    aria-labelledby={`confirm-${e.electionId}`}
                    className="staff-confirm"
                  >
                    <p id={`confirm-${e.electionId}`}>
                      {t('polls.confirmClose', { id: e.electionId })}
                    </p>
                    <TouchTarget
                      variant="primary"
                      onActivate={() => void run('polls.close', e.electionId)}
                    >
                      {t('polls.confirm')}
                    </TouchTarget>
                    <TouchTarget onActivate={() => setConfirming(null)}>
                      {t('polls.cancel')}
                    </TouchTarget>
                  </div>
                ) : null}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
