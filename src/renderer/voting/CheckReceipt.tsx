// "Check my receipt", reachable from the attract screen without a card: the ballot number (or
// the QR text) from a receipt goes to the host, which answers from its store and the chain
// what happened to that ballot. Nothing about the choices is known or shown.
import type { TFunction } from 'i18next';
import { useState } from 'react';
import type { Language, RpcResponse } from '../../main/rpc/schema.js';
import { call } from '../lib/rpc.js';
import { TouchTarget } from '../ui/TouchTarget.js';
import { loc } from './model.js';
import { markTap } from './perf.js';

type Answer = RpcResponse<'voting.checkReceipt'>;
type Shown =
  { s: 'idle' } | { s: 'checking' } | { s: 'answer'; answer: Answer } | { s: 'unavailable' };

export function CheckReceipt(p: { language: Language; t: TFunction; onBack(): void }) {
  const { t } = p;
  const [code, setCode] = useState('');
  const [shown, setShown] = useState<Shown>({ s: 'idle' });
  const check = () => {
    const value = code.trim();
    if (value === '' || shown.s === 'checking') return;
    markTap();
    setShown({ s: 'checking' });
    void call('voting.checkReceipt', { code: value.slice(0, 512) }).then((r) =>
      setShown(r.ok ? { s: 'answer', answer: r.value } : { s: 'unavailable' }),
    );
  };
  return (
    <section className="screen check" data-screen="check-receipt">
      <h1>{t('vote.check.title')}</h1>
      <p className="lead">{t('vote.check.lead')}</p>
      <form
        className="check-form"
        onSubmit={(e) => {
          e.preventDefault();
          check();
        }}
      >
        <label htmlFor="receipt-code" className="strong">
          {t('vote.check.label')}
        </label>
        <input
          id="receipt-code"
          data-testid="receipt-code"
          className="code-input"
          value={code}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={512}
          onChange={(e) => setCode(e.target.value)}
        />
        <div className="actions">
          <TouchTarget variant="primary" data-testid="check-submit" onActivate={check}>
            {t('vote.check.submit')}
          </TouchTarget>
          <TouchTarget
            data-testid="check-clear"
            onActivate={() => {
              setCode('');
              setShown({ s: 'idle' });
            }}
          >
            {t('vote.check.clear')}
          </TouchTarget>
          <TouchTarget data-testid="check-back" onActivate={p.onBack}>
            {t('vote.check.back')}
          </TouchTarget>
        </div>
      </form>
      <div className="check-result" aria-live="polite" data-testid="check-result">
        {shown.s === 'checking' ? <p>{t('vote.check.checking')}</p> : null}
        {shown.s === 'unavailable' ? (
          <p className="problem">{t('vote.check.unavailable')}</p>
        ) : null}
        {shown.s === 'answer' ? (
          <AnswerText answer={shown.answer} language={p.language} t={t} />
        ) : null}
      </div>
    </section>
  );
}

function AnswerText({ answer, language, t }: { answer: Answer; language: Language; t: TFunction }) {
  switch (answer.outcome) {
    case 'refused':
      return <p className="problem">{t('vote.check.malformed')}</p>;
    case 'status':
      return (
        <div className="record" data-status={answer.status}>
          {answer.status === 'unknown' ? null : <h2>{loc(answer.title, language)}</h2>}
          <p className="lead strong">{t(`vote.check.result.${answer.status}`)}</p>
          {answer.height !== null ? (
            <p>{t('vote.check.height', { height: answer.height })}</p>
          ) : null}
          {answer.reason !== null ? (
            <p>{t('vote.check.reason', { reason: answer.reason })}</p>
          ) : null}
          {answer.codeMatches === true ? <p>{t('vote.check.codeMatches')}</p> : null}
          {answer.codeMatches === false ? (
            <p className="problem">{t('vote.check.codeMismatch')}</p>
          ) : null}
        </div>
      );
  }
}
