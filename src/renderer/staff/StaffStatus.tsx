// A panel's status: the plain sentence is the live region a screen reader announces; the
// technical detail sits apart in small print, marked English, so it is not read out as part
// of the message and cannot be mistaken for it.
import type { StatusLine } from './error-text.js';
import type { StaffT } from './i18n/index.js';

export function StaffStatus({
  t,
  line,
  busy = false,
}: {
  t: StaffT;
  line: StatusLine;
  busy?: boolean;
}) {
  const shown = line.show(t);
  return (
    <>
      <p className="staff-status" role="status" aria-live="polite">
        {busy ? t('staff.busy') : shown.text}
      </p>
      {!busy && shown.detail !== undefined ? (
        <p className="staff-detail">
          {t('staff.errorDetail')} <span lang="en">{shown.detail}</span>
        </p>
      ) : null}
    </>
  );
}
