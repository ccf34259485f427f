// Per election: this kiosk's counts next to what the verified chain shows, every difference
// with its cause explained, and the print / export / resubmit actions. Each load is one
// audited reconciliation run, so it happens on request, never on a timer.
import { useEffect, useState } from 'react';
import type { Language, RpcResponse } from '../../main/rpc/schema.js';
import { TouchTarget } from '../ui/TouchTarget.js';
import { call } from '../lib/rpc.js';
import { errorLine, NO_STATUS, said, type StatusLine } from './error-text.js';
import type { StaffT } from './i18n/index.js';
import { StaffStatus } from './StaffStatus.js';

type Report = RpcResponse<'reconcile.report'>;

type Election = RpcResponse<'polls.list'>[number];

export function ReconcilePanel({ t, language }: { t: StaffT; language: Language }) {
  const [elections, setElections] = useState<Election[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [message, setMessage] = useState<StatusLine>(NO_STATUS);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void call('polls.list', {}).then((r) => {
      if (!r.ok) return;
      setElections(r.value);
      setSelected((s) => s ?? r.value[0]?.electionId ?? null);
    });
  }, []);

  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (selected === null) return;
    let alive = true;
    void call('reconcile.report', { electionId: selected }).then((r) => {
      if (!alive) return;
      if (r.ok) setReport(r.value);
      else setMessage(errorLine(r.error));
    });
    return () => {
      alive = false;
    };
  }, [selected, t, version]);

  const act = async (what: 'print' | 'export' | 'resubmit') => {
    if (selected === null) return;
    setBusy(true);
    if (what === 'print') {
      const r = await call('reports.print', { electionId: selected });
      setMessage(r.ok ? said((t) => t('reconcile.printed')) : errorLine(r.error));
    } else if (what === 'export') {
      const r = await call('reports.exportToFolder', { electionId: selected });
      setMessage(
        r.ok
          ? said((t) => t('reconcile.exported', { files: r.value.files.join(', ') }))
          : errorLine(r.error),
      );
    } else {
      const r = await call('reconcile.resubmit', {});
      setMessage(
        r.ok
          ? said((t) => t('reconcile.resubmitted', { n: r.value.undelivered }))
          : errorLine(r.error),
      );
    }
    setBusy(false);
    setVersion((v) => v + 1);
  };

  return (
    <section aria-labelledby="reconcile-heading" className="staff-panel">
      <h2 id="reconcile-heading">{t('reconcile.heading')}</h2>
      <div className="staff-actions" role="group" aria-label={t('reconcile.choose')}>
        {elections.map((e) => (
          <TouchTarget
            key={e.electionId}
            pressed={e.electionId === selected}
            onActivate={() => setSelected(e.electionId)}
            data-reconcile-election={e.electionId}
          >
            {e.title?.[language] ?? e.electionId}
          </TouchTarget>
        ))}
      </div>
      <StaffStatus t={t} line={message} busy={busy} />
      {report !== null ? (
        <>
          <table className="staff-table">
            <caption>
              {report.verifiedHeight === null
                ? t('reconcile.noHeight')
                : t('reconcile.height', { h: report.verifiedHeight })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('reconcile.kind')}</th>
                <th scope="col">{t('reconcile.local')}</th>
                <th scope="col">{t('reconcile.chain')}</th>
                <th scope="col">{t('reconcile.final')}</th>
              </tr>
            </thead>
            <tbody>
              {report.lines.map((l) => (
                <tr key={l.ballotKind} className={l.local !== l.onChain ? 'differs' : undefined}>
                  <th scope="row">{t(`reconcile.kind.${l.ballotKind}`)}</th>
                  <td>{l.local}</td>
                  <td>{l.onChain}</td>
                  <td>{l.final}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className={report.balanced ? 'balanced' : 'unbalanced'}>
            {report.balanced ? t('reconcile.balanced') : t('reconcile.unbalanced')}
          </p>
          <h3>{t('reconcile.differences')}</h3>
          {report.differences.length === 0 ? <p>{t('reconcile.noDifferences')}</p> : null}
          <ul className="staff-list differences">
            {report.differences.map((d) => (
              <li key={`${d.ballotKind}-${d.cause}`} className="difference" data-cause={d.cause}>
                <strong>
                  {t('reconcile.count', { n: d.count, kind: t(`reconcile.kind.${d.ballotKind}`) })}
                </strong>{' '}
                {t(`reconcile.cause.${d.cause}`)}
                {d.resubmittable ? <em> ({t('reconcile.resubmittable')})</em> : null}
              </li>
            ))}
          </ul>
          <div className="staff-actions">
            <TouchTarget onActivate={() => void act('print')} disabled={busy}>
              {t('reconcile.print')}
            </TouchTarget>
            <TouchTarget onActivate={() => void act('export')} disabled={busy}>
              {t('reconcile.export')}
            </TouchTarget>
            <TouchTarget
              onActivate={() => void act('resubmit')}
              disabled={busy || !report.differences.some((d) => d.resubmittable)}
            >
              {t('reconcile.resubmit')}
            </TouchTarget>
          </div>
        </>
      ) : null}
    </section>
  );
}
