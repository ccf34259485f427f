import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { DeviceView, Language, SessionView } from '../main/rpc/schema.js';
import { A11yProvider } from './a11y/A11yProvider.js';
import { createI18n } from './i18n/index.js';
import { connectLive } from './lib/live.js';
import { call } from './lib/rpc.js';
import { LanguageBar } from './screens/LanguageBar.js';
import { Screen } from './screens/Screen.js';
import { SettingsButton } from './ui/SettingsButton.js';
import { SettingsPanel } from './ui/SettingsPanel.js';
import { SkipLink } from './ui/SkipLink.js';
import { StaffApp } from './staff/StaffApp.js';
import { useStaffMode } from './staff/useStaffMode.js';

// Compiled out of production builds (vite define), so the bundle a kiosk ships has no dock.
const DevDock = __DEV_DOCK__ ? lazy(() => import('./devdock/DevDock.js')) : null;

type Connection = 'starting' | 'up' | 'down';

export function App() {
  const [session, setSession] = useState<SessionView | null>(null);
  const [devices, setDevices] = useState<DeviceView | null>(null);
  const [connection, setConnection] = useState<Connection>('starting');
  const [devDock, setDevDock] = useState(false);
  const staffMode = useStaffMode();

  useEffect(() => {
    let alive = true;
    void call('system.hello', {}).then((r) => {
      if (!alive || !r.ok) return;
      // Only if no live event came first (the socket greets with the current view).
      setSession((s) => s ?? r.value.session);
      setDevices(r.value.devices);
      setDevDock(r.value.devDock);
    });
    const stop = connectLive(
      (e) => {
        switch (e.type) {
          case 'session':
            setSession(e.session);
            return;
          case 'devices':
            setDevices(e.devices);
            return;
          case 'paper':
            return;
        }
      },
      (up) => setConnection(up ? 'up' : 'down'),
    );
    return () => {
      alive = false;
      stop();
    };
  }, []);

  const language: Language = session?.language ?? 'be';
  const i18n = useMemo(() => createI18n(language), [language]);
  const t = i18n.t.bind(i18n);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t('app.title');
  }, [language, t]);

  const chooseLanguage = useCallback((l: Language) => {
    // The new view arrives as a live event. Taking it from this answer too would race the
    // event stream: a card pulled right after the tap broadcasts 'attract' first, and the
    // late answer would put the old voter's screen back.
    void call('session.setLanguage', { language: l });
  }, []);

  // Per-voter accessibility settings live in the provider and reset when the session
  // returns to 'attract'.
  const speechWords = {
    selected: t('a11y.speech.selected'),
    expanded: t('a11y.speech.expanded'),
    collapsed: t('a11y.speech.collapsed'),
  };

  return (
    <A11yProvider
      language={language}
      sessionState={session?.state ?? null}
      speechWords={speechWords}
    >
      <div className="kiosk" data-connection={connection}>
        <SkipLink targetId="main" label={t('a11y.skip')} />
        <header className="topbar">
          <span className="brand">{t('app.title')}</span>
          <div className="topbar-controls">
            <LanguageBar current={language} onChoose={chooseLanguage} t={t} />
            <SettingsButton label={t('a11y.open')} />
          </div>
        </header>
        <SettingsPanel t={t} />
        <main className="content" id="main" tabIndex={-1}>
          {connection === 'down' ? (
            <p className="banner" role="status">
              {t('connection.lost')}
            </p>
          ) : null}
          {devices?.cardReader === 'fault' ? (
            <p className="banner" role="alert">
              {t('devices.cardReaderFault')}
            </p>
          ) : null}
          {session === null ? (
            <section className="screen" aria-busy="true">
              <h1>{t('connection.starting')}</h1>
            </section>
          ) : staffMode.active ? (
            <StaffApp mode={staffMode} language={language} />
          ) : (
            <Screen session={session} t={t} />
          )}
        </main>
        {DevDock !== null && devDock ? (
          <Suspense fallback={null}>
            <DevDock />
          </Suspense>
        ) : null}
      </div>
    </A11yProvider>
  );
}
