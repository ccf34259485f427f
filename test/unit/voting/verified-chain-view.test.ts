// The ChainView over pulled, verified state: chain records (canonical CBOR, in the devnet's
// key layout) become elections, roll, jurors, spent nullifiers and people; heights become days
// through header times; a bad record or a failed pull keeps the previous snapshot.
import { describe, expect, it } from 'vitest';
import { encodeElection } from '../../../src/ballot/index.js';
import { authoritySigner } from '../../../src/devnet/keys.js';
import { demoWorld } from '../../../src/devnet/world.js';
import { buildProfile } from '../../../src/main/voting/profile.js';
import {
  createVerifiedChainView,
  type VerifiedStateSource,
} from '../../../src/main/voting/verified-chain-view.js';
import { encodeCanonical, type Canonical } from '../../../src/protocol/encoding.js';
import { err, ok } from '../../../src/shared/result.js';
import { sha256 } from '../../../src/protocol/sha256.js';
import { equalBytes } from '../../../src/protocol/bytes.js';
import type { StateQuery } from '../../../src/sync/state-pull.js';

const NOW_S = Math.floor(Date.UTC(2026, 10, 1, 8) / 1000);
const world = demoWorld('vcv-test', authoritySigner('vcv-test'), NOW_S);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const entry = (n: number) => new Uint8Array(32).fill(n);
/** Block h was made on 2026-01-01 + h days: easy to read back as a day. */
const timeOf = (h: number) => Date.UTC(2026, 0, 1) + h * 86_400_000;

function electionRecord(
  electionId: string,
  purpose: Canonical,
  unit = 'polatsk',
): Record<string, Canonical> {
  const e = world.elections.find((x) => x.electionId === electionId);
  if (!e) throw new Error(electionId);
  return {
    electionId,
    unit,
    purpose,
    status: 'scheduled',
    window: e.election.window,
    ballotStyles: ['main'],
    guardianKey: e.ctx.Kbytes,
    definition: encodeElection(e.election),
    calledBy: null,
    cast: 0,
    challenged: 0,
    duplicates: 0,
    createdAt: 2,
    closedAt: null,
    result: null,
  };
}

const candidate = (personId: string): Record<string, Canonical> => ({
  personId,
  unit: 'polatsk',
  name: `Name of ${personId}`,
  certificate: { issuer: 'ministry', certificateId: `c-${personId}`, validUntil: NOW_S + 1000 },
  promises: [
    { itemId: 'p1', text: 'bridge', status: 'unfulfilled', reason: 'flood', updatedAt: 3 },
  ],
  registeredAt: 1,
});

const official = (personId: string, status: string, seatedAt: number) => ({
  personId,
  unit: 'polatsk',
  office: 'mayor',
  electionId: 'e-demo-single-choice',
  status,
  seatedAt,
  ranking: [],
  lastRatingPollOpens: null,
  recallRounds: status === 'serving' ? 0 : 1,
});

function chainState(): Map<string, Canonical> {
  return new Map<string, Canonical>([
    [
      'election/e-demo-single-choice',
      electionRecord('e-demo-single-choice', {
        kind: 'office',
        office: 'mayor',
        candidates: ['ales', 'bazhena'],
      }),
    ],
    [
      'election/e-demo-rating',
      electionRecord('e-demo-rating', { kind: 'rating', official: 'ales', scale: 5 }),
    ],
    ['election/e-demo-jury', electionRecord('e-demo-jury', { kind: 'jury', billId: 'bill-7' })],
    ['election/e-demo-referendum', electionRecord('e-demo-referendum', { kind: 'general' })],
    // Another unit's election is not offered here.
    ['election/e-demo-approval', electionRecord('e-demo-approval', { kind: 'general' }, 'minsk')],
    [`roll/polatsk/${hex(entry(1))}`, { addedAt: 1 }],
    [`roll/polatsk/${hex(entry(2))}`, { addedAt: 1 }],
    [
      'jury/bill-7',
      {
        billId: 'bill-7',
        unit: 'polatsk',
        size: 1,
        status: 'drawn',
        requestedAt: 1,
        drawAt: 2,
        seed: null,
        poolHash: null,
        poolSize: 2,
        jurors: [entry(2)],
        eligible: [],
      },
    ],
    [
      `nullifier/e-demo-referendum/${hex(entry(9))}`,
      { ballotId: entry(8), kioskId: 'k', height: 5 },
    ],
    ['candidate/ales', candidate('ales')],
    ['candidate/bazhena', candidate('bazhena')],
    ['official/polatsk/ales', official('ales', 'under-recall', 10)],
    ['official/polatsk/ciaslau', official('ciaslau', 'succeeded', 4)],
    [
      'rating/ales',
      {
        personId: 'ales',
        entries: [
          {
            unit: 'polatsk',
            office: 'mayor',
            electionId: 'r-1',
            approval: { num: 1, den: 4 },
            height: 20,
          },
        ],
      },
    ],
    [
      'recall/polatsk/ales',
      {
        unit: 'polatsk',
        official: 'ales',
        office: 'mayor',
        round: 1,
        status: 'active',
        startedAt: 20,
        startedAtS: Date.UTC(2026, 9, 1) / 1000,
        endsAtS: Date.UTC(2026, 11, 30) / 1000,
        recallThresholdBps: 4000,
        recoveryThresholdBps: 5000,
        acting: 'bazhena',
        actingRule: 'runner-up',
        startSupport: { num: 1, den: 4 },
        latestSupport: { num: 3, den: 10 },
        endedAt: null,
        calledElection: null,
      },
    ],
    [`ballot/e-demo-referendum/${hex(entry(8))}`, { nullifier: entry(9), kioskId: 'k', height: 5 }],
  ]);
}

/** A prefix's digest as the fake chain gives it: any function of what lies under it. */
function digestOf(state: Map<string, Canonical>, prefix: string): Uint8Array {
  const under = [...state]
    .filter(([k]) => k.startsWith(prefix))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return sha256(encodeCanonical(under.map(([k, v]) => [k, v])));
}

function fakeSource(state: Map<string, Canonical>) {
  const asked: StateQuery[] = [];
  let fail = false;
  const source: VerifiedStateSource = {
    pullState(q) {
      asked.push(q);
      if (fail) return Promise.resolve(err({ kind: 'peer' as const, message: 'down' }));
      const digests = new Map(q.prefixes.map((p) => [p, digestOf(state, p)]));
      const unchanged = q.prefixes.filter((p) => {
        const k = q.known?.get(p);
        return k !== undefined && equalBytes(k, digestOf(state, p));
      });
      const items = new Map<string, Uint8Array>();
      const absent: string[] = [];
      for (const [k, v] of state) {
        const listed = q.prefixes.some((p) => k.startsWith(p) && !unchanged.includes(p));
        if (q.keys.includes(k) || listed) items.set(k, encodeCanonical(v));
      }
      for (const k of q.keys) if (!state.has(k)) absent.push(k);
      return Promise.resolve(ok({ height: 30, items, absent, truncated: [], digests, unchanged }));
    },
    headerTime: (h) => Promise.resolve(h <= 30 ? timeOf(h) : null),
  };
  return { source, asked, setFail: (f: boolean) => (fail = f) };
}

describe('verified chain view', () => {
  it('maps the pulled records to what the voting service reads', async () => {
    const { source, asked } = fakeSource(chainState());
    const v = createVerifiedChainView({
      source,
      unit: 'polatsk',
      extraJurors: { 'e-demo-referendum': [entry(1)] },
    });
    expect(v.height()).toBeNull();
    const r = await v.refresh();
    expect(r).toEqual({
      ok: true,
      value: { height: 30, elections: 4, people: 3, truncated: [] },
    });
    expect(v.height()).toBe(30);
    const view = v.view;
    expect(view.elections().map((e) => [e.ctx.election.electionId, e.styleId])).toEqual([
      ['e-demo-single-choice', 'main'],
      ['e-demo-rating', 'main'],
      ['e-demo-jury', 'main'],
      ['e-demo-referendum', 'main'],
    ]);
    // Only the unit's own families are asked for; nullifiers are not listed at all.
    expect(asked[0]?.prefixes).toContain('roll/polatsk/');
    expect(asked).toHaveLength(1);
    expect(view.onRoll(entry(1))).toBe(true);
    expect(view.onRoll(entry(3))).toBe(false);
    expect(view.isDrawnJuror('e-demo-jury', entry(2))).toBe(true);
    expect(view.isDrawnJuror('e-demo-jury', entry(1))).toBe(false);
    expect(view.isDrawnJuror('e-demo-referendum', entry(1))).toBe(true);
    // A voter's nullifiers, by key at the trusted height.
    expect(
      await view.spentNullifiers([
        { electionId: 'e-demo-referendum', nullifier: entry(9) },
        { electionId: 'e-demo-rating', nullifier: entry(9) },
      ]),
    ).toEqual(new Set(['e-demo-referendum']));
    expect(asked.at(-1)).toEqual({
      keys: [
        `nullifier/e-demo-referendum/${hex(entry(9))}`,
        `nullifier/e-demo-rating/${hex(entry(9))}`,
      ],
      prefixes: [],
      atTrusted: true,
    });
    expect(view.subject('e-demo-single-choice')).toEqual({
      kind: 'office',
      office: 'mayor',
      candidates: ['ales', 'bazhena'],
    });
    expect(view.subject('e-demo-rating')).toEqual({ kind: 'official', official: 'ales' });
    expect(view.subject('e-demo-jury')).toEqual({ kind: 'none' });
    expect(view.subject('e-demo-approval')).toBeNull();

    expect(view.person('ales')).toEqual({
      personId: 'ales',
      candidate: {
        name: 'Name of ales',
        // Registered without per-language display texts: the canonical strings are shown.
        names: null,
        certificate: { issuer: 'ministry', certificateId: 'c-ales', validUntilS: NOW_S + 1000 },
        promises: [
          { itemId: 'p1', text: 'bridge', texts: null, status: 'unfulfilled', reason: 'flood' },
        ],
      },
      official: {
        unit: 'polatsk',
        office: 'mayor',
        status: 'under-recall',
        seatedOn: '2026-01-11',
        changedOn: null,
      },
      ratings: [{ electionId: 'r-1', day: '2026-01-21', approval: 0.25 }],
      recall: {
        status: 'active',
        startedOn: '2026-10-01',
        endsOn: '2026-12-30',
        acting: 'bazhena',
        latestSupport: 0.3,
      },
    });
    // Succeeded: the day the next holder of the office was seated.
    expect(view.person('ciaslau')?.official).toMatchObject({
      status: 'succeeded',
      seatedOn: '2026-01-05',
      changedOn: '2026-01-11',
    });
    expect(view.person('nobody')).toBeNull();

    // The profile the screen gets for the rating poll about the official under recall.
    const p = buildProfile(view, 'e-demo-rating', 'ignored', NOW_S);
    expect(p.ok && p.value.status).toEqual({
      kind: 'under-recall',
      since: '2026-10-01',
      acting: { be: 'Name of bazhena', ru: 'Name of bazhena', en: 'Name of bazhena' },
      endsOn: '2026-12-30',
      support: 0.3,
    });
  });

  it('looks a ballot up by key: cast with its height, or null', async () => {
    const { source, asked } = fakeSource(chainState());
    const v = createVerifiedChainView({ source, unit: 'polatsk' });
    expect(await v.view.ballot('e-demo-referendum', entry(8))).toEqual({
      electionId: 'e-demo-referendum',
      kind: 'cast',
      height: 5,
      kioskId: 'k',
    });
    expect(asked.at(-1)).toEqual({
      keys: [
        `ballot/e-demo-referendum/${hex(entry(8))}`,
        `challenged/e-demo-referendum/${hex(entry(8))}`,
      ],
      prefixes: [],
    });
    expect(await v.view.ballot('e-demo-referendum', entry(7))).toBeNull();
  });

  it('fetches a listing again only when its digest changed', async () => {
    const state = chainState();
    const { source, asked } = fakeSource(state);
    const v = createVerifiedChainView({ source, unit: 'polatsk' });
    expect((await v.refresh()).ok).toBe(true);
    expect(asked[0]?.known?.size).toBe(0);
    // Nothing changed: every listing is held, and the view is the same.
    expect((await v.refresh()).ok).toBe(true);
    expect([...(asked[1]?.known?.keys() ?? [])].sort()).toEqual(
      [...(asked[0]?.prefixes ?? [])].sort(),
    );
    expect(v.view.onRoll(entry(2))).toBe(true);
    expect(v.view.isDrawnJuror('e-demo-jury', entry(2))).toBe(true);
    expect(v.view.elections()).toHaveLength(4);
    // One roll entry more: the roll is fetched again, the rest still held.
    state.set(`roll/polatsk/${hex(entry(3))}`, { addedAt: 31 });
    expect((await v.refresh()).ok).toBe(true);
    expect(v.view.onRoll(entry(3))).toBe(true);
    expect(v.view.onRoll(entry(1))).toBe(true);
    // The chain cannot answer now: a session is told so (null), not "not spent".
    const { source: down, setFail } = fakeSource(state);
    setFail(true);
    const w = createVerifiedChainView({ source: down, unit: 'polatsk' });
    expect(
      await w.view.spentNullifiers([{ electionId: 'e-demo-referendum', nullifier: entry(9) }]),
    ).toBeNull();
  });

  it('a listing too large to page through fails the refresh and keeps the snapshot', async () => {
    const { source } = fakeSource(chainState());
    let truncate = false;
    const v = createVerifiedChainView({
      unit: 'polatsk',
      source: {
        ...source,
        pullState: async (q) => {
          const r = await source.pullState(q);
          if (!r.ok || !truncate) return r;
          // What state-pull hands over for a prefix it stopped paging: nothing of it.
          const items = new Map([...r.value.items].filter(([k]) => !k.startsWith('roll/')));
          return ok({ ...r.value, items, truncated: ['roll/polatsk/'] });
        },
      },
    });
    expect((await v.refresh()).ok).toBe(true);
    truncate = true;
    expect(await v.refresh()).toEqual({
      ok: false,
      error: { kind: 'truncated', prefixes: ['roll/polatsk/'] },
    });
    expect(v.view.onRoll(entry(1))).toBe(true);
  });

  it('a failed pull or a malformed record keeps the previous snapshot', async () => {
    const state = chainState();
    const { source, setFail } = fakeSource(state);
    const v = createVerifiedChainView({ source, unit: 'polatsk' });
    expect((await v.refresh()).ok).toBe(true);
    setFail(true);
    expect(await v.refresh()).toEqual({
      ok: false,
      error: { kind: 'pull', error: { kind: 'peer', message: 'down' } },
    });
    expect(v.view.elections()).toHaveLength(4);
    setFail(false);
    state.set('candidate/ales', { personId: 'ales', name: 7 });
    const bad = await v.refresh();
    expect(bad).toMatchObject({ ok: false, error: { kind: 'record', key: 'candidate/ales' } });
    expect(v.view.person('ales')?.candidate?.name).toBe('Name of ales');
    // A height whose header cannot be verified now: the refresh waits for a later round.
    state.set('candidate/ales', candidate('ales'));
    state.set('official/polatsk/bazhena', official('bazhena', 'serving', 99));
    expect(await v.refresh()).toEqual({ ok: false, error: { kind: 'header-time', height: 99 } });
    expect(v.view.person('bazhena')?.official).toBeNull();
  });
});
