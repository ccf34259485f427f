// The proposed voting RPC: refusals come back as schema-valid outcomes the screen translates;
// only "no voter" is an RpcError.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { votingHandlers } from '../../../src/main/voting/handlers.js';
import { VOTING_RPC, type VotingMethod } from '../../../src/main/voting/rpc-schema.js';
import { harness, JUROR, type Harness } from './fixtures.js';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.cleanup());

async function call(method: VotingMethod, body: unknown): Promise<unknown> {
  const handler = votingHandlers(h.service)[method] as (r: unknown) => unknown;
  const r = (await handler(VOTING_RPC[method].request.parse(body))) as {
    ok: boolean;
    value?: unknown;
    error?: unknown;
  };
  return r.ok ? { ok: true, value: VOTING_RPC[method].response.parse(r.value) } : r;
}

describe('voting RPC', () => {
  it('without a voter every method but view is not-available', async () => {
    expect(await call('voting.view', {})).toEqual({ ok: true, value: { state: 'no-voter' } });
    for (const m of ['voting.votes', 'voting.confirm', 'voting.cast', 'voting.reprint'] as const) {
      expect(await call(m, {})).toMatchObject({ ok: false, error: { kind: 'not-available' } });
    }
  });

  it('an over-vote and a cast out of turn are typed refusals', async () => {
    await h.service.begin(JUROR, 'en');
    const kOfN = h.world.elections.find((e) => e.kind === 'k-of-n');
    await call('voting.open', { electionId: kOfN?.electionId });
    expect(await call('voting.review', { picks: { main: { o1: 1, o2: 1, o3: 1 } } })).toEqual({
      ok: true,
      value: {
        outcome: 'refused',
        reason: 'too-many',
        contestId: 'main',
        limit: { rule: 'at-most', k: 2 },
        marked: 3,
      },
    });
    expect(await call('voting.cast', {})).toEqual({
      ok: true,
      value: {
        outcome: 'refused',
        reason: 'wrong-state',
        state: { state: 'marking', electionId: kOfN?.electionId },
      },
    });
    expect(await call('voting.open', { electionId: 'e-nowhere' })).toEqual({
      ok: true,
      value: { outcome: 'refused', reason: 'not-available', electionId: 'e-nowhere' },
    });
    expect(() =>
      VOTING_RPC['voting.review'].request.parse({ picks: { main: { o1: 11 } } }),
    ).toThrow();
  });
});
