// The voter's screens while a card is in: votes → ballot → review → code → cast or challenge →
// receipt. The host's voting service decides what may happen (every step is an RPC whose
// refusals are values); this component only keeps what is on screen and the voter's marks.
// Marks live here, keyed by election/contest/option, so a language switch (which re-renders
// with a new `t`) keeps them; they go when the card comes out and this component unmounts.
import type { TFunction } from 'i18next';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { EligibilityView as Eligibility, Language } from '../../main/rpc/schema.js';
import { call, type RpcResult } from '../lib/rpc.js';
import { BallotView } from './BallotView.js';
import {
  contestProblem,
  hasPeopleOptions,
  loc,
  picksFor,
  toggle,
  type Ballot,
  type ContestProblem,
  type Marks,
} from './model.js';
import './voting.css';
import { ProfileView, type Profile } from './ProfileView.js';
import { markCardRead, markTap, screenCommitted } from './perf.js';
import {
  ChallengedView,
  CodeView,
  EligibilityView,
  NotRecordedView,
  PaperView,
  PrintingView,
  ReceiptView,
  RefusedView,
  ReviewView,
  VotesView,
  type PrintProblem,
  type RefusalReason,
  type VoteList,
} from './screens.js';

/** Ballots about one serving official, whose record the ballot offers to show. */
const OFFICIAL_KINDS: ReadonlySet<string> = new Set(['rating', 'recall', 'confidence']);

export type Route =
  | { s: 'loading' }
  | { s: 'no-voting' }
  | { s: 'votes'; votes: VoteList }
  | { s: 'eligibility'; reason: 'not-on-roll' | 'document-expired' | 'nothing-to-vote' }
  | { s: 'ballot'; ballot: Ballot; problems: Record<string, ContestProblem> }
  | { s: 'profile'; ballot: Ballot; key: string }
  | { s: 'review'; ballot: Ballot; picks: Marks }
  | { s: 'code'; ballot: Ballot; code: string }
  | { s: 'printing'; ballot: Ballot; action: 'cast' | 'challenge' }
  | { s: 'receipt'; ballot: Ballot; code: string; printed: boolean }
  | { s: 'challenged'; ballot: Ballot; code: string; printed: boolean }
  | {
      s: 'paper';
      ballot: Ballot;
      action: 'cast' | 'challenge';
      code: string;
      problem: PrintProblem;
    }
  | { s: 'not-recorded'; ballot: Ballot; cause: 'storage-full' | 'storage-error' }
  | { s: 'refused'; reason: RefusalReason };

export interface VoterFlowProps {
  language: Language;
  greetingName: string;
  /** The host's verdict on this card; absent when the host has no voting service. */
  eligibility: Eligibility | undefined;
  t: TFunction;
  /** What to show when the host has no voting service (the welcome alone). */
  noVoting: () => ReactNode;
}

export function VoterFlow({ language, greetingName, eligibility, t, noVoting }: VoterFlowProps) {
  const [route, setRoute] = useState<Route>({ s: 'loading' });
  // electionId → marks. Survives language switches and trips back to the list.
  const [marks, setMarks] = useState<Record<string, Marks>>({});
  // "electionId/optionId" (or "electionId/*" for the official a ballot is about) → record.
  const [profiles, setProfiles] = useState<Record<string, Profile | 'unavailable'>>({});
  const busy = useRef(false);

  /** One action at a time: a double tap must not cast twice or skip a screen. */
  const act = useCallback((f: () => Promise<void>, navigates = true) => {
    if (busy.current) return;
    busy.current = true;
    if (navigates) markTap();
    void f().finally(() => {
      busy.current = false;
    });
  }, []);

  const applyVotes = useCallback((r: RpcResult<'voting.votes'>) => {
    if (!r.ok && r.error.kind === 'unknown-method') {
      setRoute({ s: 'no-voting' });
      return;
    }
    if (!r.ok) {
      // No voter session although the card was read: the voting service refused this card.
      setRoute({ s: 'eligibility', reason: 'not-on-roll' });
      return;
    }
    if (r.value.votes.length === 0) {
      setRoute({ s: 'eligibility', reason: 'nothing-to-vote' });
      return;
    }
    setRoute({ s: 'votes', votes: r.value.votes });
  }, []);

  const showVotes = useCallback(
    async () => applyVotes(await call('voting.votes', {})),
    [applyVotes],
  );

  useEffect(() => {
    markCardRead();
  }, []);
  const verdict = eligibility === undefined ? 'none' : eligibility.status;
  const refusal = eligibility?.status === 'refused' ? eligibility.reason : null;
  useEffect(() => {
    // A refusal is rendered straight from the verdict; 'checking' waits for the verdict.
    if (verdict !== 'eligible' && verdict !== 'none') return;
    let alive = true;
    void call('voting.votes', {}).then((r) => {
      if (alive) applyVotes(r);
    });
    return () => {
      alive = false;
    };
  }, [verdict, applyVotes]);

  const screenKey = route.s + ('ballot' in route ? `:${route.ballot.electionId}` : '');
  const heading = useRef<HTMLDivElement>(null);
  useEffect(() => {
    screenCommitted(route.s);
    // The focus follows the screen: the next switch step starts from its heading, and the
    // control that was pressed (now gone) does not leave the focus on the page body.
    const h1 = heading.current?.querySelector<HTMLElement>('h1');
    if (h1 !== null && h1 !== undefined) {
      h1.tabIndex = -1;
      h1.focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  }, [screenKey, route.s]);

  const open = (electionId: string) =>
    act(async () => {
      const r = await call('voting.open', { electionId });
      if (!r.ok) return setRoute({ s: 'refused', reason: 'unexpected' });
      const v = r.value;
      switch (v.outcome) {
        case 'ballot':
          loadProfiles(v);
          return setRoute({ s: 'ballot', ballot: v, problems: {} });
        case 'refused':
          return setRoute({ s: 'refused', reason: v.reason });
      }
    });

  /** Fetched while the voter reads the ballot, so "About …" opens at once and appears only
   * for options that have a record. */
  const loadProfiles = (ballot: Ballot) => {
    const wanted: [key: string, optionId: string][] = [];
    for (const c of ballot.contests) {
      if (hasPeopleOptions(c)) {
        for (const o of c.options) wanted.push([`${ballot.electionId}/${o.optionId}`, o.optionId]);
      } else if (OFFICIAL_KINDS.has(c.kind) && c.options[0] !== undefined) {
        wanted.push([`${ballot.electionId}/*`, c.options[0].optionId]);
      }
    }
    for (const [key, optionId] of wanted) {
      if (profiles[key] !== undefined) continue;
      void call('voting.profile', { electionId: ballot.electionId, optionId }).then((r) => {
        const got = r.ok && r.value.outcome === 'profile' ? r.value.profile : 'unavailable';
        setProfiles((all) => ({ ...all, [key]: got }));
      });
    }
  };

  const showProfile = (ballot: Ballot, key: string) =>
    act(async () => {
      setRoute({ s: 'profile', ballot, key });
      return Promise.resolve();
    });

  const backToVotes = () =>
    act(async () => {
      await showVotes();
    });

  const edit = (ballot: Ballot, f: (m: Marks) => Marks) =>
    setMarks((all) => ({ ...all, [ballot.electionId]: f(all[ballot.electionId] ?? {}) }));

  const review = (ballot: Ballot) =>
    act(async () => {
      const m = marks[ballot.electionId] ?? {};
      const problems: Record<string, ContestProblem> = {};
      for (const c of ballot.contests) {
        const p = contestProblem(c, m[c.contestId]);
        if (p !== null) problems[c.contestId] = p;
      }
      if (Object.keys(problems).length > 0) return setRoute({ s: 'ballot', ballot, problems });
      const r = await call('voting.review', { picks: picksFor(ballot, m) });
      if (!r.ok) return setRoute({ s: 'refused', reason: 'unexpected' });
      const v = r.value;
      if (v.outcome === 'review') return setRoute({ s: 'review', ballot, picks: v.picks });
      switch (v.reason) {
        case 'wrong-state':
          return setRoute({ s: 'refused', reason: 'unexpected' });
        case 'too-many':
          return setRoute({
            s: 'ballot',
            ballot,
            problems: { [v.contestId]: { kind: 'over-vote', k: v.limit?.k ?? 0 } },
          });
        case 'too-few':
          return setRoute({
            s: 'ballot',
            ballot,
            problems: {
              [v.contestId]: {
                kind: 'too-few',
                limit: v.limit ?? { rule: 'exactly', k: 1 },
                marked: v.marked ?? 0,
              },
            },
          });
        case 'value-out-of-range':
          return setRoute({
            s: 'ballot',
            ballot,
            problems: { [v.contestId]: { kind: 'out-of-range', max: v.max ?? 0 } },
          });
        case 'unknown-contest':
        case 'unknown-option':
          return setRoute({ s: 'refused', reason: 'unexpected' });
      }
    });

  const change = (ballot: Ballot) =>
    act(async () => {
      const r = await call('voting.back', {});
      if (r.ok && r.value.outcome === 'marking') setRoute({ s: 'ballot', ballot, problems: {} });
      else setRoute({ s: 'refused', reason: 'unexpected' });
    });

  const confirm = (ballot: Ballot) =>
    act(async () => {
      const r = await call('voting.confirm', {});
      if (!r.ok) return setRoute({ s: 'refused', reason: 'unexpected' });
      const v = r.value;
      if (v.outcome === 'sealed') return setRoute({ s: 'code', ballot, code: v.code });
      switch (v.reason) {
        case 'polls-closed':
        case 'window-closed':
          return setRoute({ s: 'refused', reason: v.reason });
        case 'wrong-state':
          return setRoute({ s: 'refused', reason: 'unexpected' });
      }
    });

  const seal = (ballot: Ballot, action: 'cast' | 'challenge') =>
    act(async () => {
      setRoute({ s: 'printing', ballot, action });
      const r = await call(action === 'cast' ? 'voting.cast' : 'voting.challenge', {});
      if (!r.ok) return setRoute({ s: 'refused', reason: 'unexpected' });
      const v = r.value;
      switch (v.outcome) {
        case 'recorded':
        case 'challenged': {
          if (!v.print.printed) {
            return setRoute({ s: 'paper', ballot, action, code: v.code, problem: v.print.problem });
          }
          return setRoute(
            v.outcome === 'recorded'
              ? { s: 'receipt', ballot, code: v.code, printed: true }
              : { s: 'challenged', ballot, code: v.code, printed: true },
          );
        }
        case 'refused':
          switch (v.reason) {
            case 'not-recorded':
              return setRoute({ s: 'not-recorded', ballot, cause: v.cause });
            case 'polls-closed':
              return setRoute({ s: 'refused', reason: 'polls-closed' });
            case 'wrong-state':
              return setRoute({ s: 'refused', reason: 'unexpected' });
          }
      }
    });

  const reprint = (r: Extract<Route, { s: 'paper' }>) =>
    act(async () => {
      const res = await call('voting.reprint', {});
      if (!res.ok || res.value.outcome !== 'print') {
        return setRoute({ s: 'refused', reason: 'unexpected' });
      }
      const print = res.value.print;
      if (!print.printed) return setRoute({ ...r, problem: print.problem });
      setRoute(
        r.action === 'cast'
          ? { s: 'receipt', ballot: r.ballot, code: r.code, printed: true }
          : { s: 'challenged', ballot: r.ballot, code: r.code, printed: true },
      );
    });

  const skip = (r: Extract<Route, { s: 'paper' }>) =>
    act(async () => {
      const res = await call('voting.skipReceipt', {});
      if (!res.ok || res.value.outcome !== 'done') {
        return setRoute({ s: 'refused', reason: 'unexpected' });
      }
      setRoute(
        r.action === 'cast'
          ? { s: 'receipt', ballot: r.ballot, code: r.code, printed: false }
          : { s: 'challenged', ballot: r.ballot, code: r.code, printed: false },
      );
    });

  const again = (ballot: Ballot) =>
    act(async () => {
      setRoute({ s: 'ballot', ballot, problems: {} });
      return Promise.resolve();
    });

  return (
    <div ref={heading} className="flow" data-route={route.s}>
      {renderRoute()}
    </div>
  );

  function renderRoute() {
    if (refusal !== null) return <EligibilityView reason={refusal} t={t} />;
    switch (route.s) {
      case 'loading':
        return (
          <section className="screen" data-screen="votes-loading" aria-busy="true">
            <p className="greeting">{t('welcome.title', { name: greetingName })}</p>
            <h1>
              {verdict === 'checking' ? t('vote.eligibility.checking') : t('vote.list.loading')}
            </h1>
          </section>
        );
      case 'no-voting':
        return noVoting();
      case 'votes':
        return (
          <VotesView
            votes={route.votes}
            greetingName={greetingName}
            language={language}
            t={t}
            onOpen={open}
          />
        );
      case 'eligibility':
        return <EligibilityView reason={route.reason} t={t} />;
      case 'ballot': {
        const ballot = route.ballot;
        return (
          <BallotView
            ballot={ballot}
            marks={marks[ballot.electionId] ?? {}}
            problems={route.problems}
            language={language}
            t={t}
            onToggle={(contestId, optionId) => {
              const c = ballot.contests.find((x) => x.contestId === contestId);
              if (c === undefined) return;
              const r = toggle(c, marks[ballot.electionId]?.[contestId], optionId);
              const { [contestId]: _cleared, ...others } = route.problems;
              if (!r.ok) {
                setRoute({ ...route, problems: { ...others, [contestId]: r.problem } });
                return;
              }
              setRoute({ ...route, problems: others });
              edit(ballot, (m) => ({ ...m, [contestId]: r.marks }));
            }}
            onScore={(contestId, optionId, value) => {
              const { [contestId]: _cleared, ...others } = route.problems;
              setRoute({ ...route, problems: others });
              edit(ballot, (m) => ({ ...m, [contestId]: { ...m[contestId], [optionId]: value } }));
            }}
            onProfile={(optionId) => showProfile(ballot, `${ballot.electionId}/${optionId}`)}
            profileOptions={
              new Set(
                Object.entries(profiles)
                  .filter(([k, v]) => k.startsWith(`${ballot.electionId}/`) && v !== 'unavailable')
                  .map(([k]) => k.slice(ballot.electionId.length + 1)),
              )
            }
            official={(() => {
              const o = profiles[`${ballot.electionId}/*`];
              return o === undefined || o === 'unavailable'
                ? null
                : {
                    name: loc(o.name, language),
                    onOpen: () => showProfile(ballot, `${ballot.electionId}/*`),
                  };
            })()}
            onNext={() => review(ballot)}
            onBack={backToVotes}
          />
        );
      }
      case 'profile': {
        const ballot = route.ballot;
        return (
          <ProfileView
            profile={profiles[route.key] ?? 'loading'}
            language={language}
            t={t}
            onBack={() =>
              act(async () => {
                setRoute({ s: 'ballot', ballot, problems: {} });
                return Promise.resolve();
              })
            }
          />
        );
      }
      case 'review':
        return (
          <ReviewView
            ballot={route.ballot}
            picks={route.picks}
            language={language}
            t={t}
            onChange={() => change(route.ballot)}
            onConfirm={() => confirm(route.ballot)}
          />
        );
      case 'code':
        return (
          <CodeView
            ballot={route.ballot}
            code={route.code}
            language={language}
            t={t}
            onCast={() => seal(route.ballot, 'cast')}
            onChallenge={() => seal(route.ballot, 'challenge')}
          />
        );
      case 'printing':
        return <PrintingView action={route.action} t={t} />;
      case 'receipt':
        return (
          <ReceiptView
            ballot={route.ballot}
            code={route.code}
            printed={route.printed}
            language={language}
            t={t}
            onDone={backToVotes}
          />
        );
      case 'challenged':
        return (
          <ChallengedView
            code={route.code}
            printed={route.printed}
            t={t}
            onAgain={() => again(route.ballot)}
          />
        );
      case 'paper':
        return (
          <PaperView
            action={route.action}
            problem={route.problem}
            t={t}
            onReprint={() => reprint(route)}
            onSkip={() => skip(route)}
          />
        );
      case 'not-recorded':
        return (
          <NotRecordedView cause={route.cause} t={t} onRetry={() => seal(route.ballot, 'cast')} />
        );
      case 'refused':
        return <RefusedView reason={route.reason} t={t} onBack={backToVotes} />;
    }
  }
}
