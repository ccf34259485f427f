// Light-client evidence on the diagnostics screen: what the light node saw when two headers
// for one height both verified (height, peers, both header hashes, when), and for a
// technician the two actions: export the signed file for the authority, then resolve after a
// confirmation. The host checks the role and the export again; hiding the buttons from poll
// staff only spares them a refusal. Resolving never moves trust (docs/sync.md).
import { useCallback, useEffect, useState } from 'react';
import type { RpcResponse } from '../../main/rpc/schema.js';
import { TouchTarget } from '../ui/TouchTarget.js';
import { call } from '../lib/rpc.js';
import { errorLine, NO_STATUS, said, type StatusLine } from './error-text.js';
import type { StaffT } from './i18n/index.js';
import { StaffStatus } from './StaffStatus.js';

type Evidence = RpcResponse<'sync.evidence.list'>[number];

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
const short = (hash: string) => `${hash.slice(0, 12)}…`;

export function EvidencePanel({ t, canAct }: { t: StaffT; canAct: boolean }) {
  const [items, setItems] = useState<Evidence[] | null>(null);
  const [message, setMessage] = useState<StatusLine>(NO_STATUS);
  const [confirming, setConfirming] = useState<number | null>(null);

  const load = useCallback(async () => {
    const r = await call('sync.evidence.list', {});
    if (r.ok) setItems(r.value);
    else setMessage(errorLine(r.error));
  }, []);

  useEffect(() => {
    let alive = true;
    const tick = () => {
      if (alive) void load();
    };
    tick();
    const timer = setInterval(tick, 5000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [load]);

  const exportIt = async (id: number) => {
    const r = await call('sync.evidence.export', { id });
    setMessage(
      r.ok ? said((t) => t('evidence.exportDone', { file: r.value.file })) : errorLine(r.error),
    );
    await load();
  };

  const resolve = async (id: number) => {
    setConfirming(null);
    const r = await call('sync.evidence.resolve', { id });
    if (!r.ok) setMessage(errorLine(r.error));
    else
      setMessage(
        said((t) =>
          t(r.value.alarmed ? 'evidence.resolvedStill' : 'evidence.resolvedClear', { id }),
        ),
      );
    await load();
  };

  if (items === null) return null;
  return (
    <section aria-labelledby="evidence-heading" className="staff-panel" data-testid="evidence">
      <h2 id="evidence-heading">{t('evidence.heading')}</h2>
      <StaffStatus t={t} line={message} />
      {items.length === 0 ? <p>{t('evidence.none')}</p> : null}
      {items.length > 0 && !canAct ? <p className="note">{t('evidence.techOnly')}</p> : null}
      {items.map((e) => (
        <article key={e.id} className="staff-evidence" data-testid={`evidence-${e.id}`}>
          <h3>
            {t('evidence.item', { id: e.id, height: e.height, common: e.commonHeight })}{' '}
            {e.resolvedMs === null ? (
              <strong className="unbalanced">{t('evidence.open')}</strong>
            ) : (
              t('evidence.resolved', { at: when(e.resolvedMs) })
            )}
          </h3>
          <ul>
            <li>{t('evidence.detected', { at: when(e.detectedMs) })}</li>
            {e.primary !== null && e.witness !== null ? (
              <>
                <li>
                  {t('evidence.primary', {
                    peer: e.primaryPeer,
                    hash: short(e.primary.headerHash),
                  })}
                </li>
                <li>
                  {t('evidence.witness', {
                    peer: e.witnessPeer,
                    hash: short(e.witness.headerHash),
                  })}
                </li>
              </>
            ) : (
              <li>{t('evidence.undecodable')}</li>
            )}
            <li>{e.exported ? t('evidence.exportedYes') : t('evidence.exportedNo')}</li>
          </ul>
          {canAct ? (
            <div className="staff-actions">
              {e.primary !== null ? (
                <TouchTarget onActivate={() => void exportIt(e.id)}>
                  {t('evidence.export')}
                </TouchTarget>
              ) : null}
              {e.resolvedMs === null && confirming !== e.id ? (
                <TouchTarget onActivate={() => setConfirming(e.id)}>
                  {t('evidence.resolve')}
                </TouchTarget>
              ) : null}
            </div>
          ) : null}
          {canAct && confirming === e.id ? (
            <div
              role="alertdialog"
              aria-labelledby="evidence-heading"
              aria-describedby={`evidence-confirm-${e.id}`}
              className="staff-confirm"
            >
              <p id={`evidence-confirm-${e.id}`}>{t('evidence.confirm', { id: e.id })}</p>
              <TouchTarget variant="primary" onActivate={() => void resolve(e.id)}>
                {t('evidence.confirmYes')}
              </TouchTarget>
              <TouchTarget onActivate={() => setConfirming(null)}>{t('polls.cancel')}</TouchTarget>
            </div>
          ) : null}
        </article>
      ))}
    </section>
  );
}
