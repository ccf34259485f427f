// voting.profile: candidates of an office election, the official a rating or recall vote is
// about, every status the screen shows, and the refusals.
import { afterEach, describe, expect, it } from 'vitest';
import type { PersonRecords } from '../../../src/main/voting/chain-view.js';
import { votingHandlers } from '../../../src/main/voting/handlers.js';
import { VOTING_RPC } from '../../../src/main/voting/rpc-schema.js';
import { CITIZEN, harness, JUROR, type Harness } from './fixtures.js';

const OFFICE = 'e-demo-single-choice';
const RATING = 'e-demo-rating';
const RECALL = 'e-demo-recall';
const CONFIDENCE = 'e-demo-confidence';

const candidate = (personId: string, validUntilS: number): PersonRecords['candidate'] => ({
  name: `Candidate ${personId}`,
  certificate: { issuer: 'demo-ministry', certificateId: `mq-${personId}`, validUntilS },
  promises: [
    { itemId: 'p1', text: 'repair the bridge', status: 'fulfilled', reason: null },
    { itemId: 'p2', text: 'library on Sundays', status: 'unfulfilled', reason: 'no budget' },
    { itemId: 'p3', text: 'bus line 4', status: 'pending', reason: null },
  ],
});

let h: Harness;
afterEach(() => h.cleanup());

function withPeople(people: PersonRecords[]): void {
  h = harness({
    chain: {
      subjects: {
        [OFFICE]: { kind: 'office', office: 'mayor', candidates: ['ales', 'bazhena', 'ciaslau'] },
        [RATING]: { kind: 'official', official: 'bazhena' },
        [RECALL]: { kind: 'official', official: 'ales' },
        [CONFIDENCE]: { kind: 'official', official: 'ciaslau' },
      },
      people,
    },
  });
}

async function rpc(electionId: string, optionId: string) {
  const r = await votingHandlers(h.service)['voting.profile']({ electionId, optionId });
  if (r.ok) VOTING_RPC['voting.profile'].response.parse(r.value);
  return r;
}

describe('voting.profile', () => {
  it('a candidate: name, role, certificate validity, promises mapped to three marks', async () => {
    const nowS = Math.floor(Date.UTC(2026, 10, 1, 8) / 1000);
    withPeople([
      {
        personId: 'ales',
        candidate: candidate('ales', nowS + 86_400),
        official: null,
        ratings: [],
        recall: null,
      },
      {
        personId: 'ciaslau',
        // Expired certificate: shown, marked invalid.
        candidate: candidate('ciaslau', nowS - 1),
        official: null,
        ratings: [],
        recall: null,
      },
    ]);
    expect((await h.service.begin(CITIZEN, 'en')).ok).toBe(true);
    const r = await rpc(OFFICE, 'ales');
    expect(r).toEqual({
      ok: true,
      value: {
        outcome: 'profile',
        profile: {
          personId: 'ales',
          name: { be: 'Candidate ales', ru: 'Candidate ales', en: 'Candidate ales' },
          role: {
            be: 'Кандыдат на пасаду: мэр',
            ru: 'Кандидат на должность: мэр',
            en: 'Candidate for mayor',
          },
          status: { kind: 'candidate' },
          certificate: {
            issuer: 'demo-ministry',
            certificateId: 'mq-ales',
            validUntil: '2026-11-02',
            valid: true,
          },
          promises: [
            { itemId: 'p1', text: expect.anything(), status: 'fulfilled', reason: null },
            {
              itemId: 'p2',
              text: {
                be: 'library on Sundays',
                ru: 'library on Sundays',
                en: 'library on Sundays',
              },
              status: 'not-fulfilled',
              reason: { be: 'no budget', ru: 'no budget', en: 'no budget' },
            },
            { itemId: 'p3', text: expect.anything(), status: 'in-progress', reason: null },
          ],
          ratings: [],
        },
      },
    });
    const c = await rpc(OFFICE, 'ciaslau');
    expect(c.ok && c.value.outcome === 'profile' && c.value.profile.certificate?.valid).toBe(false);
  });

  it('a serving official with rating history, for a rating poll (optionId ignored)', async () => {
    withPeople([
      {
        personId: 'bazhena',
        candidate: candidate('bazhena', 2e9),
        official: {
          unit: 'polatsk',
          office: 'mayor',
          status: 'serving',
          seatedOn: '2026-03-01',
          changedOn: null,
        },
        ratings: [
          { electionId: 'r1', day: '2026-06-01', approval: 0.62 },
          { electionId: 'r2', day: '2026-09-01', approval: 0.48 },
        ],
        recall: null,
      },
    ]);
    await h.service.begin(CITIZEN, 'be');
    const r = await rpc(RATING, 'score');
    if (!r.ok || r.value.outcome !== 'profile') throw new Error(JSON.stringify(r));
    expect(r.value.profile.role.en).toBe('Mayor of Polatsk');
    expect(r.value.profile.role.be).toBe('Мэр Полацка');
    expect(r.value.profile.status).toEqual({ kind: 'serving', since: '2026-03-01' });
    expect(r.value.profile.ratings).toEqual([
      { electionId: 'r1', label: '2026-06-01', approval: 0.62 },
      { electionId: 'r2', label: '2026-09-01', approval: 0.48 },
    ]);
  });

  it('an official under recall names the acting official; recalled and succeeded say when', async () => {
    withPeople([
      {
        personId: 'ales',
        candidate: candidate('ales', 2e9),
        official: {
          unit: 'polatsk',
          office: 'mayor',
          status: 'under-recall',
          seatedOn: '2026-01-10',
          changedOn: null,
        },
        ratings: [{ electionId: 'r1', day: '2026-10-01', approval: 0.2 }],
        recall: {
          status: 'active',
          startedOn: '2026-10-01',
          endsOn: '2026-12-30',
          acting: 'bazhena',
          latestSupport: 0.2,
        },
      },
      {
        personId: 'bazhena',
        candidate: candidate('bazhena', 2e9),
        official: null,
        ratings: [],
        recall: null,
      },
      {
        personId: 'ciaslau',
        candidate: null,
        official: {
          unit: 'polatsk',
          office: 'mayor',
          status: 'recalled',
          seatedOn: '2025-01-10',
          changedOn: '2025-12-01',
        },
        ratings: [],
        recall: null,
      },
    ]);
    await h.service.begin(CITIZEN, 'en');
    const r = await rpc(RECALL, 'yes');
    expect(r.ok && r.value.outcome === 'profile' && r.value.profile.status).toEqual({
      kind: 'under-recall',
      since: '2026-10-01',
      acting: { be: 'Candidate bazhena', ru: 'Candidate bazhena', en: 'Candidate bazhena' },
      endsOn: '2026-12-30',
      support: 0.2,
    });
    const c = await rpc(CONFIDENCE, 'no');
    if (!c.ok || c.value.outcome !== 'profile') throw new Error(JSON.stringify(c));
    expect(c.value.profile.status).toEqual({ kind: 'recalled', on: '2025-12-01' });
    // No candidate record: the id stands in for the name, no certificate, no promises.
    expect(c.value.profile.name.en).toBe('ciaslau');
    expect(c.value.profile.certificate).toBeNull();
    expect(c.value.profile.role.en).toBe('Candidate for mayor');
  });

  it('refusals: unknown option, nobody to show, hidden jury, no voter', async () => {
    withPeople([]);
    expect(await rpc(OFFICE, 'ales')).toMatchObject({
      ok: false,
      error: { kind: 'not-available' },
    });
    await h.service.begin(CITIZEN, 'en');
    expect(await rpc(OFFICE, 'mallory')).toEqual({
      ok: true,
      value: { outcome: 'refused', reason: 'unknown-person' },
    });
    // A listed candidate without a record on chain.
    expect(await rpc(OFFICE, 'ales')).toEqual({
      ok: true,
      value: { outcome: 'refused', reason: 'unknown-person' },
    });
    for (const id of ['e-demo-referendum', 'e-demo-jury', 'e-nowhere']) {
      expect(await rpc(id, 'yes')).toEqual({
        ok: true,
        value: { outcome: 'refused', reason: 'not-available' },
      });
    }
    // The drawn juror sees the jury ballot, but a bill has no person either.
    await h.service.begin(JUROR, 'en');
    expect(await rpc('e-demo-jury', 'for')).toEqual({
      ok: true,
      value: { outcome: 'refused', reason: 'not-available' },
    });
  });
});
