import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { DeviceView, Language, SessionView } from '../main/rpc/schema.js';
import { createI18n } from './i18n/index.js';
import { connectLive } from './lib/live.js';
import { call } from './lib/rpc.js';
import { LanguageBar } from './screens/LanguageBar.js';
import { Screen } from './screens/Screen.js';

// Compiled out of production builds (vite define), so the bundle a kiosk ships has no dock.
const DevDock = __DEV_DOCK__ ? lazy(() => import('./devdock/DevDock.js')) : null;

type Connection = 'starting' | 'up' | 'down';

export function App() {
  const [session, setSession] = useState<SessionView | null>(null);
  const [devices, setDevices] = useState<DeviceView | null>(null);
  const [connection, setConnection] = useState<Connection>('starting');
  const [devDock, setDevDock] = useState(false);

  useEffect(() => {
    let alive = true;
    void call('system.hello', {}).then((r) => {
      if (!alive || !r.ok) return;
      setSession(r.value.session);
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
    void call('session.setLanguage', { language: l }).then((r) => {
      if (r.ok) setSession(r.value);
    });
  }, []);

  return (
    <div className="kiosk" data-connection={connection}>
      <header className="topbar">
        <span className="brand">{t('app.title')}</span>
        <LanguageBar current={language} onChoose={chooseLanguage} t={t} />
      </header>
      <main className="content" id="main">
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
  );
}
