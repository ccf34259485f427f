import { describe, expect, it } from 'vitest';
import { key, PromiseStatusTxSchema, type CandidateRecord } from '../../../src/devnet/app/index.js';
import {
  cert,
  Chain,
  DAY,
  electionBody,
  expectOk,
  expectRejected,
  windowFrom,
  withUnit,
} from './harness.js';

const register = (chain: Chain, over: Record<string, unknown> = {}) =>
  chain.auth({
    kind: 'candidate-register',
    personId: 'olga',
    unit: 'village',
    name: 'Olga',
    certificate: cert(chain.timeS + 365 * DAY),
    promises: [
      { itemId: 'road', text: 'Pave the road' },
      { itemId: 'school', text: 'Repair the school' },
    ],
    ...over,
  });

describe('candidates', () => {
  it('registers a candidate with certificate and a pending promise checklist', () => {
    const chain = new Chain();
    withUnit(chain);
    expectOk(chain.one(register(chain)));
    const c = chain.get<CandidateRecord>(key.candidate('olga'));
    expect(c.certificate).toMatchObject({ issuer: 'forge', certificateId: 'mq-1' });
    expect(c.promises.map((p) => [p.itemId, p.status])).toEqual([
      ['road', 'pending'],
      ['school', 'pending'],
    ]);
  });

  it('keeps display names and promise texts per language next to the canonical strings', () => {
    const chain = new Chain();
    withUnit(chain);
    const names = { be: 'Вольга', ru: 'Ольга', en: 'Olga' };
    const texts = { be: 'Замасціць дарогу', ru: 'Замостить дорогу', en: 'Pave the road' };
    expectOk(
      chain.one(
        register(chain, {
          names,
          promises: [{ itemId: 'road', text: 'Pave the road', texts }],
        }),
      ),
    );
    const c = chain.get<CandidateRecord>(key.candidate('olga'));
    expect(c).toMatchObject({ name: 'Olga', names, promises: [{ text: 'Pave the road', texts }] });
    // Without them (every registration before they existed) the fields are null.
    expectOk(chain.one(register(chain, { personId: 'ivan', name: 'Ivan' })));
    const plain = chain.get<CandidateRecord>(key.candidate('ivan'));
    expect(plain.names).toBeNull();
    expect(plain.promises.map((p) => p.texts)).toEqual([null, null]);
    // A language missing or empty is malformed, not a partial translation.
    expectRejected(
      chain.one(register(chain, { personId: 'petr', names: { be: 'Пётр', ru: '', en: 'Petr' } })),
      'malformed',
    );
    expectRejected(
      chain.one(register(chain, { personId: 'petr', names: { be: 'Пётр', en: 'Petr' } })),
      'malformed',
    );
  });

  it('a candidate without a valid certificate cannot stand', () => {
    const chain = new Chain();
    withUnit(chain);
    expectRejected(chain.one(register(chain, { certificate: null })), 'certificate-missing');
    const expired = expectRejected(
      // Expires at the very second of the next block: already invalid then.
      chain.one(register(chain, { certificate: cert(chain.timeS + 60) })),
      'certificate-expired',
    );
    expect(expired).toMatchObject({ personId: 'olga' });
    expectRejected(chain.one(register(chain, { unit: 'atlantis' })), 'unknown-unit');
    // Valid today but expiring before the vote closes: registered, but cannot be on that ballot.
    expectOk(chain.one(register(chain, { certificate: cert(chain.timeS + DAY) })));
    const w = { opens: chain.timeS, closes: chain.timeS + 2 * DAY };
    expectRejected(
      chain.one(
        chain.auth(
          electionBody(
            chain,
            'e',
            'village',
            { kind: 'office', office: 'head', candidates: ['olga'] },
            w,
          ),
        ),
      ),
      'certificate-expired',
    );
  });

  it('election-create checks every candidate: known, of the unit, listed once', () => {
    const chain = new Chain();
    withUnit(chain);
    withUnit(chain, 'town');
    expectOk(chain.one(register(chain)));
    expectOk(chain.one(register(chain, { personId: 'ivan', unit: 'town' })));
    const office = (candidates: string[]) =>
      chain.auth(
        electionBody(
          chain,
          'e',
          'village',
          { kind: 'office', office: 'head', candidates },
          windowFrom(chain),
        ),
      );
    expectRejected(chain.one(office(['olga', 'nobody'])), 'unknown-candidate');
    expectRejected(chain.one(office(['olga', 'ivan'])), 'candidate-wrong-unit');
    expectRejected(chain.one(office(['olga', 'olga'])), 'malformed');
    expectOk(chain.one(office(['olga'])));
    // The checklist is frozen while she is on an untallied ballot.
    expectRejected(chain.one(register(chain)), 'candidate-standing');
  });

  it('the authority updates promise status; unfulfilled needs a reason; unknown items are rejected', () => {
    const chain = new Chain();
    withUnit(chain);
    expectOk(chain.one(register(chain)));
    const status = (itemId: string, s: string, reason: string | null) =>
      chain.auth({ kind: 'promise-status', personId: 'olga', itemId, status: s, reason });
    expectOk(chain.one(status('road', 'in-progress', null)));
    expectOk(chain.one(status('school', 'unfulfilled', 'budget cut by the region')));
    const c = chain.get<CandidateRecord>(key.candidate('olga'));
    expect(c.promises.map((p) => [p.status, p.reason])).toEqual([
      ['in-progress', null],
      ['unfulfilled', 'budget cut by the region'],
    ]);
    expectOk(chain.one(status('road', 'fulfilled', null)));
    expect(chain.get<CandidateRecord>(key.candidate('olga')).promises[0]).toMatchObject({
      status: 'fulfilled',
      updatedAt: chain.height,
    });
    expectRejected(chain.one(status('bridge', 'fulfilled', null)), 'unknown-promise');
    expectRejected(
      chain.one(
        chain.auth({
          kind: 'promise-status',
          personId: 'nobody',
          itemId: 'road',
          status: 'fulfilled',
          reason: null,
        }),
      ),
      'unknown-candidate',
    );
    expect(
      PromiseStatusTxSchema.safeParse({
        kind: 'promise-status',
        seq: 1,
        personId: 'olga',
        itemId: 'road',
        status: 'unfulfilled',
        reason: null,
      }).success,
    ).toBe(false);
  });
});
