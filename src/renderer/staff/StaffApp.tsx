// Staff mode: the set-up wizard on an unprovisioned kiosk, the PIN pad while a staff card
// waits for its PIN, and once signed in the panels the role may use. The host enforces every
// permission; the tabs only hide what would be refused anyway.
import { useMemo, useState } from 'react';
import type { Language } from '../../main/rpc/schema.js';
import { TouchTarget } from '../ui/TouchTarget.js';
import { call } from '../lib/rpc.js';
import { DecommissionPanel } from './DecommissionPanel.js';
import { DiagnosticsPanel } from './DiagnosticsPanel.js';
import { EvidencePanel } from './EvidencePanel.js';
import { staffT } from './i18n/index.js';
import { PinPad } from './PinPad.js';
import { PollsPanel } from './PollsPanel.js';
import { ProvisioningWizard } from './ProvisioningWizard.js';
import { ReconcilePanel } from './ReconcilePanel.js';
import type { StaffMode } from './useStaffMode.js';
import './staff.css';

type Tab = 'polls' | 'reconcile' | 'diagnostics';

export function StaffApp({ mode, language }: { mode: StaffMode; language: Language }) {
  const t = useMemo(() => staffT(language), [language]);
  const [tab, setTab] = useState<Tab | null>(null);
  const { staff, provisioning } = mode;

  if (staff?.state === 'awaiting-pin') {
    return <PinPad view={staff} t={t} onChanged={mode.refresh} />;
  }
  if (staff?.state !== 'signed-in') {
    return provisioning !== null ? (
      <ProvisioningWizard status={provisioning} t={t} onChanged={mode.refresh} />
    ) : null;
  }

  const can = (p: string) => staff.permissions.some((x) => x === p);
  const tabs: Tab[] = [];
  if (can('queue.view')) tabs.push('polls');
  if (can('reconcile.run')) tabs.push('reconcile');
  if (can('diagnostics.view')) tabs.push('diagnostics');
  const current = tab !== null && tabs.includes(tab) ? tab : (tabs[0] ?? null);

  const signOut = () => {
    void call('staff.signOut', {}).then(() => mode.refresh());
  };

  return (
    <section className="screen staff-screen" aria-labelledby="staff-heading">
      <div className="staff-header">
        <h1 id="staff-heading">{t('staff.title')}</h1>
        <p data-testid="staff-who">
          {t('staff.signedInAs', { role: t(`staff.role.${staff.role}`), id: staff.staffId })}
        </p>
        <TouchTarget onActivate={signOut}>{t('staff.signOut')}</TouchTarget>
      </div>
      <p className="note">{t('staff.timeoutNote')}</p>
      <nav className="staff-tabs" aria-label={t('staff.title')}>
        {tabs.map((x) => (
          <TouchTarget key={x} pressed={x === current} onActivate={() => setTab(x)}>
            {t(`staff.tab.${x}`)}
          </TouchTarget>
        ))}
      </nav>
      {current === 'polls' ? (
        <PollsPanel t={t} language={language} canRun={can('polls.open')} />
      ) : null}
      {current === 'reconcile' ? <ReconcilePanel t={t} language={language} /> : null}
      {current === 'diagnostics' ? <DiagnosticsPanel t={t} /> : null}
      {current === 'diagnostics' && can('sync.view') ? (
        <EvidencePanel t={t} canAct={can('evidence.resolve')} />
      ) : null}
      {current === 'diagnostics' && provisioning !== null && can('provision.decommission') ? (
        <DecommissionPanel t={t} onDone={mode.refresh} />
      ) : null}
    </section>
  );
}
