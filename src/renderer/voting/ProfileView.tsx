// A candidate's or an official's public record, as the host read it from the chain: status
// (with the acting official during a recall), qualification certificate, the promise
// checklist, and the rating history as a small chart that also reads as text.
import type { TFunction } from 'i18next';
import type { Language } from '../../main/rpc/schema.js';
import type { Profile } from '../../main/voting/rpc-schema.js';
import { TouchTarget } from '../ui/TouchTarget.js';
import { loc } from './model.js';

export type { Profile };

const percent = (x: number) => Math.round(x * 100);

function Status({
  status,
  language,
  t,
}: {
  status: Profile['status'];
  language: Language;
  t: TFunction;
}) {
  switch (status.kind) {
    case 'candidate':
      return <p className="status-value">{t('vote.profile.candidate')}</p>;
    case 'serving':
      return <p className="status-value">{t('vote.profile.serving', { since: status.since })}</p>;
    case 'under-recall':
      return (
        <div className="status-recall" data-testid="recall-status">
          <p className="status-value">
            {t('vote.profile.underRecall', { since: status.since, endsOn: status.endsOn })}
          </p>
          <p>{t('vote.profile.recallSupport', { percent: percent(status.support) })}</p>
          <p className="strong" data-testid="acting">
            {status.acting === null
              ? t('vote.profile.noActing')
              : t('vote.profile.acting', { name: loc(status.acting, language) })}
          </p>
          <p className="note">{t('vote.profile.recallNote', { endsOn: status.endsOn })}</p>
        </div>
      );
    case 'recalled':
      return <p className="status-value">{t('vote.profile.recalled', { on: status.on })}</p>;
    case 'succeeded':
      return <p className="status-value">{t('vote.profile.succeeded', { on: status.on })}</p>;
  }
}

/** The rating history as a line over 0..100 %, with the same points as text for everyone
 * who cannot see the line. */
export function RatingChart({ ratings, t }: { ratings: Profile['ratings']; t: TFunction }) {
  const W = 600;
  const H = 200;
  const pad = 24;
  const n = ratings.length;
  const x = (i: number) => (n === 1 ? W / 2 : pad + (i * (W - 2 * pad)) / (n - 1));
  const y = (v: number) => H - pad - v * (H - 2 * pad);
  const points = ratings.map((r) =>
    t('vote.profile.ratingPoint', { label: r.label, percent: percent(r.approval) }),
  );
  return (
    <figure className="rating-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={t('vote.profile.chartLabel', { points: points.join('; ') })}
        data-testid="rating-chart"
      >
        {[0, 0.5, 1].map((g) => (
          <line key={g} className="grid" x1={pad} x2={W - pad} y1={y(g)} y2={y(g)} />
        ))}
        <polyline
          className="line"
          fill="none"
          points={ratings.map((r, i) => `${x(i)},${y(r.approval)}`).join(' ')}
        />
        {ratings.map((r, i) => (
          <circle key={r.electionId} className="dot" cx={x(i)} cy={y(r.approval)} r={8} />
        ))}
      </svg>
      <figcaption>
        <ul className="rating-points">
          {points.map((p, i) => (
            <li key={ratings[i]?.electionId ?? i}>{p}</li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

export function ProfileView(p: {
  profile: Profile | 'loading' | 'unavailable';
  language: Language;
  t: TFunction;
  onBack(): void;
}) {
  const { t, language } = p;
  const back = (testId: string) => (
    <div className="actions">
      <TouchTarget variant="primary" data-testid={testId} onActivate={p.onBack}>
        {t('vote.profile.back')}
      </TouchTarget>
    </div>
  );
  if (p.profile === 'loading' || p.profile === 'unavailable') {
    return (
      <section className="screen" data-screen="profile" aria-busy={p.profile === 'loading'}>
        <h1>
          {p.profile === 'loading' ? t('vote.profile.loading') : t('vote.profile.unavailable')}
        </h1>
        {back('profile-back')}
      </section>
    );
  }
  const pr = p.profile;
  return (
    <section className="screen profile" data-screen="profile" data-status={pr.status.kind}>
      <p className="kind-tag">{loc(pr.role, language)}</p>
      <h1>{loc(pr.name, language)}</h1>
      {back('profile-back')}
      <div className="record">
        <h2>{t('vote.profile.status')}</h2>
        <Status status={pr.status} language={language} t={t} />
      </div>
      <div className="record">
        <h2>{t('vote.profile.certificate')}</h2>
        {pr.certificate === null ? (
          <p>{t('vote.profile.noCertificate')}</p>
        ) : (
          <>
            <p data-testid="certificate">
              {t('vote.profile.certificateValue', {
                id: pr.certificate.certificateId,
                issuer: pr.certificate.issuer,
                until: pr.certificate.validUntil,
              })}
            </p>
            {pr.certificate.valid ? null : (
              <p className="strong">{t('vote.profile.certificateInvalid')}</p>
            )}
          </>
        )}
      </div>
      <div className="record">
        <h2>{t('vote.profile.promises')}</h2>
        {pr.promises.length === 0 ? (
          <p>{t('vote.profile.noPromises')}</p>
        ) : (
          <ul className="promises">
            {pr.promises.map((m) => (
              <li key={m.itemId} className={`promise ${m.status}`} data-status={m.status}>
                <span className="promise-mark" aria-hidden="true">
                  {m.status === 'fulfilled' ? '✓' : m.status === 'not-fulfilled' ? '✗' : '…'}
                </span>
                <span className="promise-text">
                  <span>{loc(m.text, language)}</span>
                  <span className="promise-status">{t(`vote.profile.promise.${m.status}`)}</span>
                  {m.reason !== null ? (
                    <span className="note">
                      {t('vote.profile.reason', { reason: loc(m.reason, language) })}
                    </span>
                  ) : null}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="record">
        <h2>{t('vote.profile.ratings')}</h2>
        {pr.ratings.length === 0 ? (
          <p>{t('vote.profile.noRatings')}</p>
        ) : (
          <RatingChart ratings={pr.ratings} t={t} />
        )}
      </div>
      {back('profile-back-end')}
    </section>
  );
}
