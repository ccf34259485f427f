// What a technician checks first: each device, the light node, disk and clock, and a printer
// test page. The card-reader test is "insert any card and watch the last event": the router
// records only the event kind and time, never whose card it was.
import { useEffect, useState } from 'react';
import type { RpcResponse } from '../../main/rpc/schema.js';
import { TouchTarget } from '../ui/TouchTarget.js';
import { call } from '../lib/rpc.js';
import { errorLine, NO_STATUS, said, type StatusLine } from './error-text.js';
import type { StaffT } from './i18n/index.js';
import { StaffStatus } from './StaffStatus.js';

type Diagnostics = RpcResponse<'diagnostics.get'>;

const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);

export function DiagnosticsPanel({ t }: { t: StaffT }) {
  const [d, setD] = useState<Diagnostics | null>(null);
  const [message, setMessage] = useState<StatusLine>(NO_STATUS);
  const yesNo = (b: boolean) => (b ? t('diag.yes') : t('diag.no'));

  const [version, setVersion] = useState(0);
  useEffect(() => {
    let alive = true;
    const load = () =>
      void call('diagnostics.get', {}).then((r) => {
        if (!alive) return;
        if (r.ok) setD(r.value);
        else setMessage(errorLine(r.error));
      });
    load();
    // Live enough to watch a card-reader test or sync catch up without pressing anything.
    const timer = setInterval(load, 2000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [t, version]);

  const printTest = async () => {
    const r = await call('diagnostics.printTest', {});
    setMessage(r.ok ? said((t) => t('diag.printed')) : errorLine(r.error));
  };

  return (
    <section aria-labelledby="diag-heading" className="staff-panel">
      <h2 id="diag-heading">{t('diag.heading')}</h2>
      <div className="staff-actions">
        <TouchTarget onActivate={() => setVersion((v) => v + 1)}>{t('diag.refresh')}</TouchTarget>
        <TouchTarget onActivate={() => void printTest()}>{t('diag.printTest')}</TouchTarget>
      </div>
      <StaffStatus t={t} line={message} />
      {d !== null ? (
        <dl className="staff-facts">
          <dt>{t('diag.cardReader')}</dt>
          <dd data-testid="diag-card">
            {d.cardReader.name} · {d.cardReader.state}
            <br />
            {d.cardReader.lastEvent === null
              ? t('diag.noCard')
              : t('diag.lastCard', {
                  event: d.cardReader.lastEvent.event,
                  at: time(d.cardReader.lastEvent.at),
                  to: d.cardReader.lastEvent.routedTo,
                })}
            <br />
            <span className="note">{t('diag.cardTest')}</span>
          </dd>
          <dt>{t('diag.printer')}</dt>
          <dd>
            {d.printer.state === 'ok'
              ? t('diag.printerState', {
                  name: d.printer.name,
                  online: yesNo(d.printer.online),
                  paperOut: yesNo(d.printer.paperOut),
                  paperNearEnd: yesNo(d.printer.paperNearEnd),
                  coverOpen: yesNo(d.printer.coverOpen),
                })
              : t('diag.printerUnreachable', { name: d.printer.name, reason: d.printer.reason })}
          </dd>
          <dt>{t('diag.touch')}</dt>
          <dd>
            {d.touch.state === 'present'
              ? t('diag.touchPresent', {
                  product: d.touch.product ?? '?',
                  vid: d.touch.vendorId.toString(16).padStart(4, '0'),
                  pid: d.touch.productId.toString(16).padStart(4, '0'),
                  serial: d.touch.serialNumber ?? '?',
                })
              : d.touch.state === 'absent'
                ? t('diag.touchAbsent')
                : t('diag.touchFault', { detail: d.touch.detail })}
          </dd>
          <dt>{t('diag.sync')}</dt>
          <dd data-testid="diag-sync">
            {d.sync === null
              ? t('diag.noSync')
              : t('diag.syncState', {
                  verified: d.sync.verifiedHeight ?? '—',
                  latest: d.sync.latestHeight,
                  lag: d.sync.lag,
                  peers: d.sync.peers,
                })}
            {d.sync !== null && d.sync.alarm !== null ? (
              <strong className="unbalanced">
                {' '}
                {t('diag.syncAlarm', { alarm: d.sync.alarm })}
              </strong>
            ) : null}
          </dd>
          {d.voting !== undefined ? (
            <>
              <dt>{t('diag.voting')}</dt>
              <dd data-testid="diag-voting">
                {d.voting.available
                  ? t('diag.votingOn')
                  : t('diag.votingOff', { reason: d.voting.reason ?? '—' })}
              </dd>
            </>
          ) : null}
          <dt>{t('diag.disk')}</dt>
          <dd>
            {d.disk === null
              ? '—'
              : t('diag.diskState', { free: gib(d.disk.freeBytes), total: gib(d.disk.totalBytes) })}
          </dd>
          <dt>{t('diag.clock')}</dt>
          <dd>{d.clock.iso}</dd>
        </dl>
      ) : null}
    </section>
  );
}
