// The ballot rules the voter screens enforce while marking (src/renderer/voting/model.ts):
// one-of-several replaces, an over-vote is refused with its limit, under-votes and unrated
// scores stop the way to review, and the picks sent are only this ballot's options.
import { describe, expect, it } from 'vitest';
import {
  contestProblem,
  contestStyle,
  picksFor,
  toggle,
  type Ballot,
  type Contest,
} from '../../../src/renderer/voting/model.js';

const label = (s: string) => ({ be: s, ru: s, en: s });
const contest = (
  kind: Contest['kind'],
  options: string[],
  limit: Contest['limit'],
  range = 1,
): Contest => ({
  contestId: 'main',
  kind,
  title: label(kind),
  options: options.map((optionId) => ({ optionId, label: label(optionId) })),
  range,
  limit,
});

const single = contest('single-choice', ['a', 'b', 'c'], { rule: 'exactly', k: 1 });
const twoOfFour = contest('k-of-n', ['o1', 'o2', 'o3', 'o4'], { rule: 'at-most', k: 2 });
const rating = contest('rating', ['score'], { rule: 'at-most', k: 5 }, 5);
const zeroOrTwo = contest('k-of-n', ['o1', 'o2', 'o3'], { rule: 'zero-or', k: 2 });

describe('voter-screen ballot rules', () => {
  it('classifies contests by rule and range', () => {
    expect(contestStyle(single)).toBe('one');
    expect(contestStyle(twoOfFour)).toBe('many');
    expect(contestStyle(rating)).toBe('score');
  });

  it('one-of-several: a new choice replaces the old, a second touch clears it', () => {
    const a = toggle(single, undefined, 'a');
    expect(a).toEqual({ ok: true, marks: { a: 1 } });
    const b = toggle(single, a.ok ? a.marks : {}, 'b');
    expect(b).toEqual({ ok: true, marks: { b: 1 } });
    expect(toggle(single, { b: 1 }, 'b')).toEqual({ ok: true, marks: {} });
  });

  it('k of n: the mark past k is refused with k, the marks stay as they were', () => {
    expect(toggle(twoOfFour, { o1: 1, o2: 1 }, 'o3')).toEqual({
      ok: false,
      problem: { kind: 'over-vote', k: 2 },
    });
    expect(toggle(twoOfFour, { o1: 1 }, 'o3')).toEqual({ ok: true, marks: { o1: 1, o3: 1 } });
    expect(toggle(twoOfFour, { o1: 1, o2: 1 }, 'o1')).toEqual({ ok: true, marks: { o2: 1 } });
  });

  it('stops the way to review on an under-vote and an unrated score, not on a 0 score', () => {
    expect(contestProblem(single, {})).toEqual({
      kind: 'too-few',
      limit: { rule: 'exactly', k: 1 },
      marked: 0,
    });
    expect(contestProblem(single, { c: 1 })).toBeNull();
    expect(contestProblem(twoOfFour, {})).toBeNull(); // at most: blank is allowed
    expect(contestProblem(zeroOrTwo, { o1: 1 })).toMatchObject({ kind: 'too-few', marked: 1 });
    expect(contestProblem(zeroOrTwo, {})).toBeNull();
    expect(contestProblem(zeroOrTwo, { o1: 1, o3: 1 })).toBeNull();
    expect(contestProblem(rating, {})).toEqual({ kind: 'unrated' });
    expect(contestProblem(rating, { score: 0 })).toBeNull();
  });

  it('sends only this ballot’s options, with 0 kept for a score and dropped for a mark', () => {
    const ballot = {
      outcome: 'ballot',
      electionId: 'e',
      kind: 'k-of-n',
      title: label('e'),
      styleId: 'main',
      contests: [twoOfFour],
    } satisfies Ballot;
    expect(picksFor(ballot, { main: { o1: 1, o2: 0, stray: 1 }, other: { x: 1 } })).toEqual({
      main: { o1: 1 },
    });
    const rated = { ...ballot, kind: 'rating' as const, contests: [rating] };
    expect(picksFor(rated, { main: { score: 0 } })).toEqual({ main: { score: 0 } });
  });
});
