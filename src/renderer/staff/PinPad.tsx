// The PIN pad: digits only, shown as dots, never echoed or kept after submitting. The host
// counts and locks out; this screen only shows how long the wait is.
import { useState } from 'react';
import { TouchTarget } from '../ui/TouchTarget.js';
import { call } from '../lib/rpc.js';
import { errorLine, NO_STATUS, said, type StatusLine } from './error-text.js';
import type { StaffT } from './i18n/index.js';
import { StaffStatus } from './StaffStatus.js';
import type { StaffView } from './useStaffMode.js';

const MAX_DIGITS = 12;
const MIN_DIGITS = 4;

export function PinPad({
  view,
  t,
  onChanged,
}: {
  view: Extract<StaffView, { state: 'awaiting-pin' }>;
  t: StaffT;
  onChanged: () => void;
}) {
  const [pin, setPin] = useState('');
  const [message, setMessage] = useState<StatusLine>(NO_STATUS);
  const [busy, setBusy] = useState(false);
  const locked = view.lockedForSec > 0;

  const submit = async () => {
    if (pin.length < MIN_DIGITS || busy) return;
    setBusy(true);
    const r = await call('staff.submitPin', { pin });
    setPin('');
    setBusy(false);
    if (r.ok) {
      setMessage(NO_STATUS);
    } else if (r.error.kind === 'wrong-pin') {
      // A wait that follows is shown from the host's view (lockedForSec), which counts down.
      setMessage(said((t) => t('signIn.wrong')));
    } else if (r.error.kind === 'locked') {
      setMessage(NO_STATUS);
    } else {
      setMessage(errorLine(r.error));
    }
    onChanged();
  };

  const digit = (d: string) => () => setPin((p) => (p.length < MAX_DIGITS ? p + d : p));

  return (
    <section className="screen staff-screen" aria-labelledby="pin-heading">
      <h1 id="pin-heading">{t('signIn.heading')}</h1>
      <p className="lead">
        {t(`staff.role.${view.role}`)} · {t('signIn.prompt')}
      </p>
      <output className="pin-dots" aria-label={t('signIn.pinLabel', { n: pin.length })}>
        {pin.length === 0 ? '\u00a0' : '●'.repeat(pin.length)}
      </output>
      <StaffStatus
        t={t}
        line={locked ? said((t) => t('signIn.locked', { s: view.lockedForSec })) : message}
      />
      <div className="pin-pad" role="group" aria-label={t('signIn.prompt')}>
        {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => (
          <TouchTarget key={d} onActivate={digit(d)} disabled={locked || busy}>
            {d}
          </TouchTarget>
        ))}
        <TouchTarget onActivate={() => setPin((p) => p.slice(0, -1))} disabled={busy}>
          {t('pin.delete')}
        </TouchTarget>
        <TouchTarget onActivate={digit('0')} disabled={locked || busy}>
          0
        </TouchTarget>
        <TouchTarget
          variant="primary"
          onActivate={() => void submit()}
          disabled={locked || busy || pin.length < MIN_DIGITS}
        >
          {t('pin.submit')}
        </TouchTarget>
      </div>
      <p className="note">{t('signIn.removeCard')}</p>
    </section>
  );
}
