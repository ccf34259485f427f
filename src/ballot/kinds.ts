// How each kind of vote maps onto selections: the range R of each selection and the rule on
// the contest's sum. The election definition states both explicitly; these are the defaults
// the devnet and the tests build definitions from, so every kind is encoded one agreed way.
import type { BallotKind, LimitRule } from '../protocol/election.js';
import { assertNever } from '../shared/result.js';

export interface ContestShape {
  /** Option ids in ballot order. */
  optionIds: string[];
  range: number;
  limit: LimitRule;
}

/**
 * Default shape for a kind. `options` is used for the kinds where the voter picks among
 * candidates; `k` is the number of seats for k-of-n.
 */
export function contestShape(kind: BallotKind, options: string[] = [], k = 1): ContestShape {
  switch (kind) {
    case 'single-choice':
      return { optionIds: options, range: 1, limit: { rule: 'exactly', k: 1 } };
    case 'k-of-n':
      return { optionIds: options, range: 1, limit: { rule: 'at-most', k } };
    case 'approval':
      return { optionIds: options, range: 1, limit: { rule: 'at-most', k: options.length } };
    case 'referendum':
    case 'recall':
    case 'confidence':
      return { optionIds: ['yes', 'no'], range: 1, limit: { rule: 'exactly', k: 1 } };
    case 'rating':
      // One selection holding the score 0..5; the tally is the sum of scores.
      return { optionIds: ['score'], range: 5, limit: { rule: 'at-most', k: 5 } };
    case 'jury':
      return {
        optionIds: ['for', 'against', 'abstain'],
        range: 1,
        limit: { rule: 'exactly', k: 1 },
      };
    default:
      return assertNever(kind, 'ballot kind');
  }
}

/** The values one selection may encrypt: 0..R. */
export function selectionValues(range: number): number[] {
  return Array.from({ length: range + 1 }, (_, i) => i);
}

/** The values the encrypted sum of a contest may take under its rule. */
export function limitValues(limit: LimitRule): number[] {
  switch (limit.rule) {
    case 'exactly':
      return [limit.k];
    case 'at-most':
      return selectionValues(limit.k);
    case 'zero-or':
      return [0, limit.k];
    default:
      return assertNever(limit, 'limit rule');
  }
}
