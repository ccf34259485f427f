// One ballot of any kind: a contest is marked as one-of-several, several-up-to-k, or a score,
// decided by its rule (model.ts), so a new kind with a known rule needs no new screen.
import type { TFunction } from 'i18next';
import type { Language } from '../../main/rpc/schema.js';
import { TouchTarget } from '../ui/TouchTarget.js';
import {
  contestStyle,
  hasPeopleOptions,
  isFixedOption,
  loc,
  markedCount,
  type Ballot,
  type Contest,
  type ContestProblem,
  type Marks,
} from './model.js';

export interface BallotViewProps {
  ballot: Ballot;
  marks: Marks;
  problems: Record<string, ContestProblem>;
  language: Language;
  t: TFunction;
  onToggle(contestId: string, optionId: string): void;
  onScore(contestId: string, optionId: string, value: number): void;
  /** Options with a record to read (candidates); the ballot shows "About …" for these. */
  onProfile: ((optionId: string) => void) | null;
  profileOptions: ReadonlySet<string>;
  /** The official a rating, recall or confidence ballot is about, when their record loaded. */
  official: { name: string; onOpen(): void } | null;
  onNext(): void;
  onBack(): void;
}

export function optionLabel(
  c: Contest,
  optionId: string,
  language: Language,
  t: TFunction,
): string {
  // The election's own wording is authoritative; the catalogue only stands in for a fixed
  // answer (yes/no, for/against/abstain) whose definition carries just its id as the label.
  const o = c.options.find((x) => x.optionId === optionId);
  const label = o === undefined ? optionId : loc(o.label, language);
  return isFixedOption(optionId) && label === optionId ? t(`vote.option.${optionId}`) : label;
}

function instruction(c: Contest, marked: number, t: TFunction): string {
  switch (contestStyle(c)) {
    case 'score':
      return t('vote.ballot.instruction.rating', { max: c.range });
    case 'one':
      return t('vote.ballot.instruction.one');
    case 'many':
      if (c.kind === 'approval' && c.limit.k >= c.options.length) {
        return t('vote.ballot.instruction.approval', { marked, n: c.options.length });
      }
      switch (c.limit.rule) {
        case 'exactly':
          return t('vote.ballot.instruction.exactly', { k: c.limit.k, marked });
        case 'zero-or':
          return t('vote.ballot.instruction.zeroOr', { k: c.limit.k, marked });
        case 'at-most':
          return t('vote.ballot.instruction.upTo', { k: c.limit.k, marked });
      }
  }
}

export function problemText(p: ContestProblem, t: TFunction): string {
  switch (p.kind) {
    case 'over-vote':
      return t('vote.ballot.overVote', { k: p.k });
    case 'unrated':
      return t('vote.ballot.unrated');
    case 'out-of-range':
      return t('vote.ballot.outOfRange', { max: p.max });
    case 'too-few':
      if (p.limit.rule === 'zero-or') return t('vote.ballot.tooFewZeroOr', { k: p.limit.k });
      return p.limit.k === 1
        ? t('vote.ballot.noneMarked')
        : t('vote.ballot.tooFew', { k: p.limit.k });
  }
}

export function BallotView(p: BallotViewProps) {
  const { ballot, t, language } = p;
  return (
    <section className="screen ballot" data-screen="ballot" data-kind={ballot.kind}>
      <p className="kind-tag">{kindLabel(ballot, t)}</p>
      <h1 tabIndex={-1}>{loc(ballot.title, language)}</h1>
      {ballot.kind === 'jury' ? <p className="note">{t('vote.ballot.juryNote')}</p> : null}
      {p.official !== null ? (
        <div className="official">
          <p className="lead strong">{p.official.name}</p>
          <TouchTarget
            className="about"
            data-testid="profile-official"
            aria-label={`${t('vote.ballot.aboutOfficial')}: ${p.official.name}`}
            onActivate={p.official.onOpen}
          >
            {t('vote.ballot.aboutOfficial')}
          </TouchTarget>
        </div>
      ) : null}
      {ballot.contests.map((c) => {
        const m = p.marks[c.contestId] ?? {};
        const marked = markedCount(m);
        const problem = p.problems[c.contestId];
        const headId = `contest-${c.contestId}`;
        const style = contestStyle(c);
        // A single contest titled like its ballot keeps the heading for the group's name
        // and for speech, but does not show the same line twice.
        const repeated =
          ballot.contests.length === 1 && loc(c.title, language) === loc(ballot.title, language);
        return (
          <div className="contest" key={c.contestId} role="group" aria-labelledby={headId}>
            <h2 id={headId} className={repeated ? 'visually-hidden' : undefined}>
              {loc(c.title, language)}
            </h2>
            <p className="instruction" aria-live="polite">
              {instruction(c, marked, t)}
            </p>
            {problem !== undefined ? (
              <p className="problem" role="alert" data-testid="ballot-problem">
                {problemText(problem, t)}
              </p>
            ) : null}
            {style === 'score'
              ? c.options.map((o) => (
                  <div
                    className="score-row"
                    key={o.optionId}
                    role="group"
                    aria-label={optionLabel(c, o.optionId, language, t)}
                  >
                    {Array.from({ length: c.range + 1 }, (_, v) => (
                      <TouchTarget
                        key={v}
                        className="score"
                        data-testid={`score-${v}`}
                        aria-label={t('vote.ballot.score', { value: v })}
                        pressed={m[o.optionId] === v}
                        onActivate={() => p.onScore(c.contestId, o.optionId, v)}
                      >
                        {v}
                      </TouchTarget>
                    ))}
                  </div>
                ))
              : c.options.map((o) => {
                  const on = (m[o.optionId] ?? 0) > 0;
                  const label = optionLabel(c, o.optionId, language, t);
                  return (
                    <div className="choice-row" key={o.optionId}>
                      <TouchTarget
                        className={`choice ${style}`}
                        data-testid={`option-${o.optionId}`}
                        pressed={on}
                        onActivate={() => p.onToggle(c.contestId, o.optionId)}
                      >
                        <span className="box" aria-hidden="true">
                          {on ? '✓' : ''}
                        </span>
                        <span className="choice-label">{label}</span>
                      </TouchTarget>
                      {p.onProfile !== null &&
                      hasPeopleOptions(c) &&
                      p.profileOptions.has(o.optionId) ? (
                        <TouchTarget
                          className="about"
                          data-testid={`profile-${o.optionId}`}
                          aria-label={`${t('vote.ballot.about')}: ${label}`}
                          onActivate={() => p.onProfile?.(o.optionId)}
                        >
                          {t('vote.ballot.about')}
                        </TouchTarget>
                      ) : null}
                    </div>
                  );
                })}
          </div>
        );
      })}
      <div className="actions">
        <TouchTarget variant="primary" data-testid="ballot-next" onActivate={p.onNext}>
          {t('vote.ballot.next')}
        </TouchTarget>
        <TouchTarget data-testid="ballot-back" onActivate={p.onBack}>
          {t('vote.ballot.back')}
        </TouchTarget>
      </div>
    </section>
  );
}

export const kindLabel = (b: { kind: Ballot['kind'] }, t: TFunction): string =>
  t(`vote.kind.${b.kind}`);
