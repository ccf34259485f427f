// The voter's marks, checked against each contest's rule before anything is encrypted, with an
// error the screen can explain ("choose at most 2", "choose exactly 1").
import { choicesFor, type ElectionContext } from '../../ballot/index.js';
import type { Contest, LimitRule } from '../../protocol/election.js';
import { err, ok, type Result } from '../../shared/result.js';

/** contestId → optionId → value (1 for a mark, 0..5 for a rating). Unmentioned options are 0. */
export type Picks = Readonly<Record<string, Readonly<Record<string, number>>>>;

export type PicksError =
  | { readonly kind: 'unknown-contest'; readonly contestId: string }
  | { readonly kind: 'unknown-option'; readonly contestId: string; readonly optionId: string }
  | {
      readonly kind: 'value-out-of-range';
      readonly contestId: string;
      readonly optionId: string;
      readonly max: number;
    }
  /** Too many marks (an over-vote) or too few for the contest's rule. */
  | {
      readonly kind: 'too-many' | 'too-few';
      readonly contestId: string;
      readonly limit: LimitRule;
      readonly marked: number;
    };

function limitError(c: Contest, sum: number): PicksError | undefined {
  const { limit } = c;
  const e = (kind: 'too-many' | 'too-few') => ({
    kind,
    contestId: c.contestId,
    limit,
    marked: sum,
  });
  switch (limit.rule) {
    case 'exactly':
      return sum > limit.k ? e('too-many') : sum < limit.k ? e('too-few') : undefined;
    case 'at-most':
      return sum > limit.k ? e('too-many') : undefined;
    case 'zero-or':
      return sum > limit.k ? e('too-many') : sum !== 0 && sum < limit.k ? e('too-few') : undefined;
  }
}

/** Checks picks for a style and returns the choices in envelope order. */
export function checkPicks(
  ctx: ElectionContext,
  styleId: string,
  picks: Picks,
): Result<number[][], PicksError> {
  const contests = ctx.styles.get(styleId);
  if (!contests) throw new Error(`unknown style ${styleId}`); // the chain view gave it: a bug
  for (const contestId of Object.keys(picks)) {
    if (!contests.some((c) => c.contestId === contestId))
      return err({ kind: 'unknown-contest', contestId });
  }
  for (const c of contests) {
    const marks = picks[c.contestId] ?? {};
    let sum = 0;
    for (const [optionId, v] of Object.entries(marks)) {
      if (!c.options.some((o) => o.optionId === optionId))
        return err({ kind: 'unknown-option', contestId: c.contestId, optionId });
      if (!Number.isInteger(v) || v < 0 || v > c.range)
        return err({ kind: 'value-out-of-range', contestId: c.contestId, optionId, max: c.range });
      sum += v;
    }
    const bad = limitError(c, sum);
    if (bad) return err(bad);
  }
  const choices = choicesFor(ctx, styleId, picks);
  // Everything choicesFor checks was checked above; disagreeing would be a bug.
  if (!choices.ok) throw new Error(`choicesFor disagrees: ${choices.error.kind}`);
  return ok(choices.value);
}
