// The technician's last act on a kiosk: a final signed export, then the key and the
// provisioning wiped (the host refuses while ballots are undelivered). Asks once more first.
import { useState } from 'react';
import { TouchTarget } from '../ui/TouchTarget.js';
import { call } from '../lib/rpc.js';
import { errorLine, NO_STATUS, said, type StatusLine } from './error-text.js';
import type { StaffT } from './i18n/index.js';
import { StaffStatus } from './StaffStatus.js';

export function DecommissionPanel({ t, onDone }: { t: StaffT; onDone: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<StatusLine>(NO_STATUS);

  const run = async () => {
    setConfirming(false);
    const r = await call('provisioning.decommission', {});
    setMessage(r.ok ? said((t) => t('decommission.done')) : errorLine(r.error));
    if (r.ok) onDone();
  };

  return (
    <section aria-labelledby="decommission-heading" className="staff-panel">
      <h2 id="decommission-heading">{t('decommission.heading')}</h2>
      <p>{t('decommission.explain')}</p>
      <StaffStatus t={t} line={message} />
      {confirming ? (
        <div role="alertdialog" aria-labelledby="decommission-heading" className="staff-confirm">
          <TouchTarget variant="primary" onActivate={() => void run()}>
            {t('decommission.confirm')}
          </TouchTarget>
          <TouchTarget onActivate={() => setConfirming(false)}>{t('polls.cancel')}</TouchTarget>
        </div>
      ) : (
        <TouchTarget onActivate={() => setConfirming(true)}>{t('decommission.start')}</TouchTarget>
      )}
    </section>
  );
}
