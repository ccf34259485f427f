// First boot: unit and polling place → the enrollment request (QR for the authority's phone,
// file for its USB stick) → the authority's signed bundle, read from a file → device test,
// which needs the technician the bundle's roster names to sign in. The host does every check;
// this screen moves bytes and shows what the host says.
import { useState, type ChangeEvent } from 'react';
import type { RpcResponse } from '../../main/rpc/schema.js';
import { TouchTarget } from '../ui/TouchTarget.js';
import { call } from '../lib/rpc.js';
import { errorLine, NO_STATUS, type StatusLine } from './error-text.js';
import type { StaffT } from './i18n/index.js';
import { StaffStatus } from './StaffStatus.js';
import type { ProvisioningStatus } from './useStaffMode.js';

type Enrollment = RpcResponse<'provisioning.beginEnrollment'>;

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

function base64urlToBase64(s: string): string {
  const b = s.replace(/-/g, '+').replace(/_/g, '/');
  return b + '='.repeat((4 - (b.length % 4)) % 4);
}

function bytesToBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function ProvisioningWizard({
  status,
  t,
  onChanged,
}: {
  status: ProvisioningStatus;
  t: StaffT;
  onChanged: () => void;
}) {
  const [unit, setUnit] = useState('');
  const [place, setPlace] = useState('');
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [message, setMessage] = useState<StatusLine>(NO_STATUS);
  const [busy, setBusy] = useState(false);

  const enroll = async () => {
    setBusy(true);
    const r = await call('provisioning.beginEnrollment', { unit, pollingPlace: place });
    setBusy(false);
    if (r.ok) {
      setEnrollment(r.value);
      setMessage(NO_STATUS);
    } else {
      setMessage(errorLine(r.error));
    }
    onChanged();
  };

  const importBundle = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file === undefined) return;
    setBusy(true);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const r = await call('provisioning.importBundle', { bundle: bytesToBase64url(bytes) });
    setBusy(false);
    e.target.value = '';
    setMessage(r.ok ? NO_STATUS : errorLine(r.error));
    onChanged();
  };

  const valid = ID_RE.test(unit) && ID_RE.test(place);

  return (
    <section className="screen staff-screen" aria-labelledby="wizard-heading">
      <h1 id="wizard-heading">{t('wizard.heading')}</h1>
      {status.state !== 'provisioned' ? <p className="lead">{t('wizard.intro')}</p> : null}
      <StaffStatus t={t} line={message} busy={busy} />
      {status.state === 'provisioned' ? (
        <div className="staff-panel">
          <h2>{t('wizard.step4')}</h2>
          <p data-testid="wizard-done">
            {t('wizard.done', {
              kiosk: status.kioskId,
              unit: status.unitId,
              place: status.pollingPlace,
              chain: status.chainId,
            })}
          </p>
          <p className="lead">{t('wizard.signInToTest')}</p>
        </div>
      ) : (
        <>
          <div className="staff-panel">
            <h2>{t('wizard.step1')}</h2>
            <label className="staff-field">
              {t('wizard.unit')}
              <input
                value={unit}
                onChange={(e) => setUnit(e.target.value.trim())}
                autoComplete="off"
                spellCheck={false}
                name="unit"
              />
            </label>
            <label className="staff-field">
              {t('wizard.place')}
              <input
                value={place}
                onChange={(e) => setPlace(e.target.value.trim())}
                autoComplete="off"
                spellCheck={false}
                name="pollingPlace"
              />
            </label>
            <TouchTarget
              variant="primary"
              onActivate={() => void enroll()}
              disabled={!valid || busy}
            >
              {t('wizard.enroll')}
            </TouchTarget>
          </div>
          {status.state === 'enrolling' ? (
            <div className="staff-panel">
              <h2>{t('wizard.step2')}</h2>
              <p>{t('wizard.fingerprint', { fp: status.fingerprint })}</p>
              {enrollment !== null ? (
                <>
                  <img
                    className="enrollment-qr"
                    src={enrollment.svgDataUrl}
                    alt={t('wizard.qrAlt')}
                  />
                  <p>
                    <a
                      className="touch-target"
                      href={`data:application/octet-stream;base64,${base64urlToBase64(enrollment.file)}`}
                      download={`enrollment-${status.fingerprint}.cbor`}
                    >
                      {t('wizard.saveFile')}
                    </a>
                  </p>
                </>
              ) : (
                <p className="note enrollment-payload">{status.qrPayload}</p>
              )}
              <h2>{t('wizard.step3')}</h2>
              <label className="staff-field">
                {t('wizard.bundle')}
                <input
                  type="file"
                  name="bundle"
                  onChange={(e) => void importBundle(e)}
                  disabled={busy}
                />
              </label>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
