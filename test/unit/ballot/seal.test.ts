import { describe, expect, it } from 'vitest';
import { chainGenesis, nextChainLink } from '../../../src/ballot/envelope.js';
import { prepareBallot } from '../../../src/ballot/prepare.js';
import { choicesFor, sealBallot } from '../../../src/ballot/seal.js';
import { fixture, kioskSigner, WINDOW } from './fixtures.js';

const { ctx } = fixture();

describe('sealing helpers', () => {
  it('maps picks by id to choices in envelope order, and refuses unknown ids and over-votes', () => {
    expect(
      choicesFor(ctx, 'full', {
        mayor: { bazhena: 1 },
        rating: { score: 4 },
        jury: { against: 1 },
        referendum: { no: 1 },
        recall: { yes: 1 },
        confidence: { yes: 1 },
      }),
    ).toMatchObject({ ok: true });
    const r = choicesFor(ctx, 'jury', { jury: { abstain: 1 } });
    expect(r).toEqual({ ok: true, value: [[0, 0, 1]] });
    expect(choicesFor(ctx, 'jury', { mayor: { ales: 1 } })).toMatchObject({
      ok: false,
      error: { kind: 'wrong-shape' },
    });
    expect(choicesFor(ctx, 'jury', { jury: { maybe: 1 } })).toMatchObject({
      ok: false,
      error: { kind: 'wrong-shape' },
    });
    expect(choicesFor(ctx, 'jury', { jury: { for: 1, against: 1 } })).toMatchObject({
      ok: false,
      error: { kind: 'limit-violated' },
    });
    expect(choicesFor(ctx, 'jury', {})).toMatchObject({
      ok: false,
      error: { kind: 'limit-violated' },
    });
    expect(choicesFor(ctx, 'nope', {})).toMatchObject({ ok: false });
  });

  it('refuses to seal outside the election window', () => {
    const prepared = prepareBallot(ctx, 'jury');
    const base = {
      ctx,
      prepared,
      choices: [[1, 0, 0]],
      nullifier: new Uint8Array(32),
      kioskId: 'k',
      kioskSeq: 0,
      chainPrev: chainGenesis('k'),
      signer: kioskSigner,
    };
    expect(sealBallot({ ...base, now: WINDOW.closes })).toMatchObject({
      ok: false,
      error: { kind: 'outside-window' },
    });
    expect(sealBallot({ ...base, now: WINDOW.opens - 1 })).toMatchObject({
      ok: false,
      error: { kind: 'outside-window' },
    });
    expect(sealBallot({ ...base, now: WINDOW.closes - 1 }).ok).toBe(true);
  });

  it('the next chain link follows the last sealed ballot', () => {
    expect(nextChainLink('k')).toEqual({ kioskSeq: 0, chainPrev: chainGenesis('k') });
    const code = new Uint8Array(32).fill(5);
    expect(nextChainLink('k', { kioskSeq: 6, confirmationCode: code })).toEqual({
      kioskSeq: 7,
      chainPrev: code,
    });
  });
});
