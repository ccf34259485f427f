// The ballot rules the screens enforce while the voter marks, as pure functions over the
// host's contest description (the host checks the same rules again on review). Marks are keyed
// by contest and option id, never by anything language-dependent, so switching the language
// mid-ballot keeps them.
import type { Language, RpcResponse } from '../../main/rpc/schema.js';

export type Ballot = Extract<RpcResponse<'voting.open'>, { outcome: 'ballot' }>;
export type Contest = Ballot['contests'][number];
export type Limit = Contest['limit'];
export type VoteItem = RpcResponse<'voting.votes'>['votes'][number];
export type Localized = Contest['title'];
/** contestId → optionId → value (1 = marked, 0..R = a score). */
export type Marks = Record<string, Record<string, number>>;

export const loc = (l: Localized, language: Language): string => l[language];

/** How a contest is marked on screen. */
export type ContestStyle = 'one' | 'many' | 'score';

export function contestStyle(c: Contest): ContestStyle {
  if (c.range > 1) return 'score';
  return c.limit.rule === 'exactly' && c.limit.k === 1 ? 'one' : 'many';
}

/** Options whose meaning is fixed by the kind (yes/no, for/against/abstain): the renderer's
 * catalogue has a label for them in case an election defines only the id. */
export const FIXED_OPTIONS = ['yes', 'no', 'for', 'against', 'abstain', 'score'] as const;
export type FixedOption = (typeof FIXED_OPTIONS)[number];
export const isFixedOption = (id: string): id is FixedOption =>
  (FIXED_OPTIONS as readonly string[]).includes(id);

export const markedCount = (m: Record<string, number> | undefined): number =>
  Object.values(m ?? {}).filter((v) => v > 0).length;

export type ToggleResult =
  | { ok: true; marks: Record<string, number> }
  | { ok: false; problem: { kind: 'over-vote'; k: number } };

/** The voter touched an option of a one/many contest. An over-vote is refused with the
 * reason, never silently dropped and never a mark that replaces another unasked. */
export function toggle(
  c: Contest,
  current: Record<string, number> | undefined,
  optionId: string,
): ToggleResult {
  const cur = current ?? {};
  if ((cur[optionId] ?? 0) > 0) {
    const { [optionId]: _removed, ...rest } = cur;
    return { ok: true, marks: rest };
  }
  if (contestStyle(c) === 'one') return { ok: true, marks: { [optionId]: 1 } };
  if (markedCount(cur) + 1 > c.limit.k) {
    return { ok: false, problem: { kind: 'over-vote', k: c.limit.k } };
  }
  return { ok: true, marks: { ...cur, [optionId]: 1 } };
}

export type ContestProblem =
  | { kind: 'over-vote'; k: number }
  | { kind: 'too-few'; limit: Limit; marked: number }
  | { kind: 'unrated' }
  | { kind: 'out-of-range'; max: number };

/** What stops the voter going on to review, per contest (null: fine). */
export function contestProblem(
  c: Contest,
  m: Record<string, number> | undefined,
): ContestProblem | null {
  const cur = m ?? {};
  if (contestStyle(c) === 'score') {
    // A score of 0 is a real answer; not having chosen one is not.
    if (c.options.some((o) => cur[o.optionId] === undefined)) return { kind: 'unrated' };
    return null;
  }
  const marked = markedCount(cur);
  switch (c.limit.rule) {
    case 'exactly':
      return marked === c.limit.k ? null : { kind: 'too-few', limit: c.limit, marked };
    case 'zero-or':
      return marked === 0 || marked === c.limit.k
        ? null
        : { kind: 'too-few', limit: c.limit, marked };
    case 'at-most':
      return marked <= c.limit.k ? null : { kind: 'over-vote', k: c.limit.k };
  }
}

/** The picks the host's voting.review takes: only this ballot's contests and options. */
export function picksFor(b: Ballot, marks: Marks): Marks {
  const out: Marks = {};
  for (const c of b.contests) {
    const row: Record<string, number> = {};
    for (const o of c.options) {
      const v = marks[c.contestId]?.[o.optionId];
      if (v !== undefined && (v > 0 || contestStyle(c) === 'score')) row[o.optionId] = v;
    }
    out[c.contestId] = row;
  }
  return out;
}

/** Candidate-like options (people the voter may read about), as opposed to yes/no answers. */
export const hasPeopleOptions = (c: Contest): boolean =>
  c.options.length > 0 && !c.options.some((o) => isFixedOption(o.optionId));
