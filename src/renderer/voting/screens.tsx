// The voter's screens other than the ballot itself. Presentational: each gets what to show and
// what to call; VoterFlow decides which one is up. Every screen has one h1 (speech guidance
// reads it) and is built from TouchTargets (switch scanning and the touch rule).
import type { TFunction } from 'i18next';
import type { Language, RpcResponse } from '../../main/rpc/schema.js';
import { TouchTarget } from '../ui/TouchTarget.js';
import { kindLabel, optionLabel } from './BallotView.js';
import { contestStyle, loc, type Ballot, type Marks, type VoteItem } from './model.js';

export type VoteList = VoteItem[];
type PrintOutcome = Extract<RpcResponse<'voting.cast'>, { outcome: 'recorded' }>['print'];
export type PrintProblem = Extract<PrintOutcome, { printed: false }>['problem'];
export type RefusalReason =
  'polls-closed' | 'window-closed' | 'already-voted' | 'not-available' | 'busy' | 'unexpected';

export function VotesView(p: {
  votes: VoteList;
  greetingName: string;
  language: Language;
  t: TFunction;
  onOpen(electionId: string): void;
}) {
  const { t } = p;
  const allDone = p.votes.every((v) => v.status === 'already-voted');
  return (
    <section className="screen votes" data-screen="votes">
      <p className="greeting">{t('welcome.title', { name: p.greetingName })}</p>
      <h1>{t('vote.list.title')}</h1>
      <p className="lead">{allDone ? t('vote.list.allDone') : t('vote.list.lead')}</p>
      <ul className="vote-list">
        {p.votes.map((v) => {
          const title = loc(v.title, p.language);
          const id = `vote-${v.electionId}`;
          return (
            <li key={v.electionId} className={`vote-item ${v.status}`} data-status={v.status}>
              <div className="vote-text">
                <span className="kind-tag">{kindLabel(v, t)}</span>
                <span className="vote-title" id={id}>
                  {title}
                </span>
              </div>
              {v.status === 'open' ? (
                <TouchTarget
                  variant="primary"
                  data-testid={`open-${v.electionId}`}
                  aria-describedby={id}
                  onActivate={() => p.onOpen(v.electionId)}
                >
                  {t('vote.list.open')}
                </TouchTarget>
              ) : (
                <span className="voted" data-testid={`voted-${v.electionId}`}>
                  <span aria-hidden="true">✓ </span>
                  {t('vote.list.voted')}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <p className="note">{t('vote.list.endHint')}</p>
    </section>
  );
}

export function EligibilityView(p: {
  reason: 'not-on-roll' | 'document-expired' | 'nothing-to-vote';
  t: TFunction;
}) {
  const { t } = p;
  return (
    <section className="screen error" data-screen="eligibility" data-reason={p.reason}>
      <h1>{p.reason === 'nothing-to-vote' ? t('vote.list.title') : t('vote.eligibility.title')}</h1>
      <p className="lead" role="alert">
        {t(`vote.eligibility.${p.reason}`)}
      </p>
      <p className="way">{t('vote.eligibility.way')}</p>
    </section>
  );
}

export function ReviewView(p: {
  ballot: Ballot;
  picks: Marks;
  language: Language;
  t: TFunction;
  onChange(): void;
  onConfirm(): void;
}) {
  const { t, ballot } = p;
  return (
    <section className="screen review" data-screen="review">
      <p className="kind-tag">{loc(ballot.title, p.language)}</p>
      <h1>{t('vote.review.title')}</h1>
      <p className="lead">{t('vote.review.lead')}</p>
      {ballot.contests.map((c) => {
        const row = p.picks[c.contestId] ?? {};
        const chosen =
          contestStyle(c) === 'score'
            ? c.options
                .filter((o) => row[o.optionId] !== undefined)
                .map((o) => t('vote.ballot.score', { value: row[o.optionId] ?? 0 }))
            : c.options
                .filter((o) => (row[o.optionId] ?? 0) > 0)
                .map((o) => optionLabel(c, o.optionId, p.language, t));
        return (
          <div className="review-contest" key={c.contestId} data-testid={`review-${c.contestId}`}>
            <h2>{loc(c.title, p.language)}</h2>
            {chosen.length === 0 ? (
              <p className="chosen blank">{t('vote.review.blank')}</p>
            ) : (
              <ul className="chosen">
                {chosen.map((label) => (
                  <li key={label}>
                    <span aria-hidden="true">✓ </span>
                    {label}
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
      <div className="actions">
        <TouchTarget variant="primary" data-testid="review-confirm" onActivate={p.onConfirm}>
          {t('vote.review.confirm')}
        </TouchTarget>
        <TouchTarget data-testid="review-change" onActivate={p.onChange}>
          {t('vote.review.change')}
        </TouchTarget>
      </div>
    </section>
  );
}

/** The short code, large and monospaced, as it is printed (wraps between groups if it must). */
function CodeText({ code }: { code: string }) {
  return (
    <p className="code" data-testid="code">
      {code}
    </p>
  );
}

export function CodeView(p: {
  ballot: Ballot;
  code: string;
  language: Language;
  t: TFunction;
  onCast(): void;
  onChallenge(): void;
}) {
  const { t } = p;
  return (
    <section className="screen code-screen" data-screen="code">
      <p className="kind-tag">{loc(p.ballot.title, p.language)}</p>
      <h1>{t('vote.code.title')}</h1>
      <CodeText code={p.code} />
      <p className="lead">{t('vote.code.lead')}</p>
      <h2>{t('vote.code.explainTitle')}</h2>
      <div className="choice-cards">
        <div className="choice-card">
          <h3>{t('vote.code.castTitle')}</h3>
          <p>{t('vote.code.castExplain')}</p>
          <TouchTarget variant="primary" data-testid="cast" onActivate={p.onCast}>
            {t('vote.code.cast')}
          </TouchTarget>
        </div>
        <div className="choice-card">
          <h3>{t('vote.code.challengeTitle')}</h3>
          <p>{t('vote.code.challengeExplain')}</p>
          {/* Said before the tap: a challenged ballot's marks are published next to the
              voter's pseudonym, which their cast ballot carries too (docs/voting.md). */}
          <p data-testid="challenge-privacy">{t('vote.code.challengePrivacy')}</p>
          <TouchTarget data-testid="challenge" onActivate={p.onChallenge}>
            {t('vote.code.challenge')}
          </TouchTarget>
        </div>
      </div>
    </section>
  );
}

export function PrintingView(p: { action: 'cast' | 'challenge'; t: TFunction }) {
  const { t } = p;
  return (
    <section className="screen" data-screen="printing" aria-busy="true">
      <h1>
        {p.action === 'cast' ? t('vote.printing.castTitle') : t('vote.printing.challengeTitle')}
      </h1>
      <p className="lead">{t('vote.printing.lead')}</p>
    </section>
  );
}

export function ReceiptView(p: {
  ballot: Ballot;
  code: string;
  printed: boolean;
  language: Language;
  t: TFunction;
  onDone(): void;
}) {
  const { t } = p;
  return (
    <section className="screen done" data-screen="receipt" data-printed={String(p.printed)}>
      <p className="kind-tag">{loc(p.ballot.title, p.language)}</p>
      <h1>{t('vote.receipt.title')}</h1>
      <p className="lead">{p.printed ? t('vote.receipt.lead') : t('vote.receipt.skipped')}</p>
      <h2>{t('vote.receipt.code')}</h2>
      <CodeText code={p.code} />
      <p className="note">{t('vote.receipt.noChoices')}</p>
      <div className="actions">
        <TouchTarget variant="primary" data-testid="receipt-done" onActivate={p.onDone}>
          {t('vote.receipt.again')}
        </TouchTarget>
      </div>
      <p className="note">{t('vote.list.endHint')}</p>
    </section>
  );
}

export function ChallengedView(p: {
  code: string;
  printed: boolean;
  t: TFunction;
  onAgain(): void;
}) {
  const { t } = p;
  return (
    <section className="screen" data-screen="challenged" data-printed={String(p.printed)}>
      <h1>{t('vote.challenged.title')}</h1>
      <p className="lead">{t('vote.challenged.lead')}</p>
      <p>{t('vote.challenged.what')}</p>
      <h2>{t('vote.challenged.code')}</h2>
      <CodeText code={p.code} />
      <p className="lead">{t('vote.challenged.again')}</p>
      <div className="actions">
        <TouchTarget variant="primary" data-testid="vote-again" onActivate={p.onAgain}>
          {t('vote.challenged.vote')}
        </TouchTarget>
      </div>
    </section>
  );
}

export function PaperView(p: {
  action: 'cast' | 'challenge';
  problem: PrintProblem;
  t: TFunction;
  onReprint(): void;
  onSkip(): void;
}) {
  const { t } = p;
  return (
    <section className="screen error" data-screen="paper" data-problem={p.problem}>
      <h1>{t('vote.paper.title')}</h1>
      <p className="lead strong">
        {p.action === 'cast' ? t('vote.paper.castRecorded') : t('vote.paper.challengeRecorded')}
      </p>
      <p className="lead" role="alert">
        {t(`vote.paper.${p.problem}`)}
      </p>
      <p>{t('vote.paper.staff')}</p>
      <div className="actions">
        <TouchTarget variant="primary" data-testid="reprint" onActivate={p.onReprint}>
          {t('vote.paper.reprint')}
        </TouchTarget>
        <TouchTarget data-testid="skip-receipt" onActivate={p.onSkip}>
          {t('vote.paper.skip')}
        </TouchTarget>
      </div>
    </section>
  );
}

export function NotRecordedView(p: {
  cause: 'storage-full' | 'storage-error';
  t: TFunction;
  onRetry(): void;
}) {
  const { t } = p;
  return (
    <section className="screen error" data-screen="not-recorded">
      <h1>{t('vote.refused.notRecorded')}</h1>
      <p className="lead" role="alert">
        {t(`vote.refused.${p.cause}`)}
      </p>
      <div className="actions">
        <TouchTarget variant="primary" data-testid="retry-cast" onActivate={p.onRetry}>
          {t('vote.refused.retry')}
        </TouchTarget>
      </div>
      <p className="note">{t('vote.eligibility.way')}</p>
    </section>
  );
}

export function RefusedView(p: { reason: RefusalReason; t: TFunction; onBack(): void }) {
  const { t } = p;
  return (
    <section className="screen error" data-screen="refused" data-reason={p.reason}>
      <h1>{t('vote.refused.title')}</h1>
      <p className="lead" role="alert">
        {p.reason === 'unexpected' ? t('vote.refused.unexpected') : t(`vote.refused.${p.reason}`)}
      </p>
      <div className="actions">
        <TouchTarget variant="primary" data-testid="refused-back" onActivate={p.onBack}>
          {t('vote.refused.back')}
        </TouchTarget>
      </div>
    </section>
  );
}
